/**
 * A fresh status link, sent when the shopper asks customer service for it (the first one is in the
 * confirmation). Transactional: it goes out whatever the shopper's marketing choices.
 */
import { htmlEngine, textEngine, type RenderedEmail } from './templating';
import { renderTransactional } from './layout';

export interface StatusLinkData {
  shopper: { name: string; email: string };
  product: { name: string; sku: string };
  backorder: { quantity: number; statusUrl: string };
  postalAddress: string;
}

const SUBJECT = textEngine.parse(`Your backorder link for {{ product.name }}`);

const HTML = htmlEngine.parse(`<h1 style="font-size:22px;margin:0 0 16px;">Your backorder link</h1>
<p style="margin:0 0 12px;">{% if shopper.name != "" %}Hi {{ shopper.name }}, y{% else %}Y{% endif %}ou asked us for the link to your backorder of
<strong>{{ backorder.quantity }} × {{ product.name }}</strong>. Here it is.</p>
<p style="margin:0 0 20px;"><a href="{{ backorder.statusUrl }}" style="display:inline-block;background:#1d4ed8;color:#ffffff;text-decoration:none;padding:12px 20px;border-radius:6px;">See your backorder</a></p>
<p style="margin:0 0 12px;">The link shows where you stand, lets you cancel, and lets you download or delete the data we keep about you. Keep it private: anyone who has it can do the same.</p>
<p style="margin:0;font-size:14px;color:#52525b;overflow-wrap:anywhere;word-break:break-word;">Your private link: {{ backorder.statusUrl }}</p>
<p style="margin:12px 0 0;font-size:14px;color:#52525b;">Did not ask for it? You can ignore this email; your backorder is unchanged.</p>`);

const TEXT = textEngine.parse(`{% if shopper.name != "" %}Hi {{ shopper.name }},

{% endif %}You asked us for the link to your backorder of {{ backorder.quantity }} x {{ product.name }}. Here it is:

{{ backorder.statusUrl }}

The link shows where you stand, lets you cancel, and lets you download or delete the data we keep about you. Keep it private: anyone who has it can do the same.

Did not ask for it? You can ignore this email; your backorder is unchanged.

--
{{ postalAddress }}
`);

export const renderStatusLink = (data: StatusLinkData): Promise<RenderedEmail> =>
  renderTransactional({ subject: SUBJECT, html: HTML, text: TEXT }, data);
