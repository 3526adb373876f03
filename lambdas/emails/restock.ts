/**
 * The restock alert: transactional, once per allocated backorder. Tells the shopper their units are set
 * aside, what happens next, and how to give them up.
 */
import { htmlEngine, textEngine, type RenderedEmail } from './templating';
import { renderTransactional } from './layout';

export interface RestockData {
  shopper: { name: string; email: string };
  product: { name: string; sku: string };
  backorder: { quantity: number; statusUrl: string };
  postalAddress: string;
}

const SUBJECT = textEngine.parse(`Good news: {{ product.name }} is back, and yours is set aside`);

const HTML = htmlEngine.parse(`<h1 style="font-size:22px;margin:0 0 16px;">Your backorder is in</h1>
<p style="margin:0 0 12px;">{% if shopper.name != "" %}Hi {{ shopper.name }}, t{% else %}T{% endif %}he stock you were waiting for has arrived:
<strong>{{ backorder.quantity }} × {{ product.name }}</strong> {% if backorder.quantity == 1 %}is{% else %}are{% endif %} now set aside for you.</p>
<p style="margin:0 0 12px;"><strong>What happens next:</strong> the shop completes your order and lets you know when it ships. You do not need to do anything.</p>
<p style="margin:0 0 20px;">Changed your mind? Cancel with the link below and your units go to the next person in the queue.</p>
<p style="margin:0 0 20px;"><a href="{{ backorder.statusUrl }}" style="display:inline-block;background:#1d4ed8;color:#ffffff;text-decoration:none;padding:12px 20px;border-radius:6px;">See your backorder</a></p>
<p style="margin:0;font-size:14px;color:#52525b;overflow-wrap:anywhere;word-break:break-word;">Your private link: {{ backorder.statusUrl }}</p>`);

const TEXT = textEngine.parse(`{% if shopper.name != "" %}Hi {{ shopper.name }},

{% endif %}The stock you were waiting for has arrived: {{ backorder.quantity }} x {{ product.name }} {% if backorder.quantity == 1 %}is{% else %}are{% endif %} now set aside for you.

What happens next: the shop completes your order and lets you know when it ships. You do not need to do anything.

Changed your mind? Cancel with this link and your units go to the next person in the queue:
{{ backorder.statusUrl }}

--
{{ postalAddress }}
`);

export const renderRestockAlert = (data: RestockData): Promise<RenderedEmail> =>
  renderTransactional({ subject: SUBJECT, html: HTML, text: TEXT }, data);
