/**
 * "Your backorder links": what a shopper who lost their links gets when they ask for them by address
 * (POST /api/links). One message with an email link for each of their active backorders. Transactional.
 */
import { htmlEngine, textEngine, type RenderedEmail } from './templating';
import { renderTransactional } from './layout';

export interface MyLinksData {
  shopper: { name: string; email: string };
  backorders: { productName: string; quantity: number; statusUrl: string }[];
  postalAddress: string;
}

const SUBJECT = textEngine.parse(
  `Your backorder link{% if backorders.size > 1 %}s{% endif %}{% if backorders.size == 1 %} for {{ backorders[0].productName }}{% endif %}`,
);

const HTML = htmlEngine.parse(`<h1 style="font-size:22px;margin:0 0 16px;">Your backorder links</h1>
<p style="margin:0 0 12px;">{% if shopper.name != "" %}Hi {{ shopper.name }}, s{% else %}S{% endif %}omeone (we hope you) asked for the links to the backorders of this address. Here they are.</p>
{% for b in backorders %}<p style="margin:0 0 12px;"><strong>{{ b.quantity }} × {{ b.productName }}</strong><br><a href="{{ b.statusUrl }}" style="color:#1d4ed8;overflow-wrap:anywhere;word-break:break-word;">See this backorder</a></p>
{% endfor %}<p style="margin:0 0 12px;">Each link shows where you stand, lets you cancel, and lets you download or delete the data we keep about you. Keep them private: anyone who has one can do the same.</p>
<p style="margin:12px 0 0;font-size:14px;color:#52525b;">Did not ask for them? You can ignore this email; nothing has changed.</p>`);

const TEXT = textEngine.parse(`{% if shopper.name != "" %}Hi {{ shopper.name }},

{% endif %}Someone (we hope you) asked for the links to the backorders of this address. Here they are:
{% for b in backorders %}
{{ b.quantity }} x {{ b.productName }}
{{ b.statusUrl }}
{% endfor %}
Each link shows where you stand, lets you cancel, and lets you download or delete the data we keep about you. Keep them private: anyone who has one can do the same.

Did not ask for them? You can ignore this email; nothing has changed.

--
{{ postalAddress }}
`);

export const renderMyLinks = (data: MyLinksData): Promise<RenderedEmail> =>
  renderTransactional({ subject: SUBJECT, html: HTML, text: TEXT }, data);
