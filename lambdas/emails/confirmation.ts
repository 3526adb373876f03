/**
 * The transactional confirmation a shopper gets once for every new backorder: what they asked for, their
 * place in the queue, and the private status link.
 */
import { htmlEngine, textEngine, type RenderedEmail } from './templating';
import { renderTransactional } from './layout';

export interface ConfirmationData {
  shopper: { name: string; email: string };
  product: { name: string; sku: string; expectedRestockDate: string };
  backorder: { quantity: number; position: number | null; statusUrl: string };
  /** Under double opt-in, the link that confirms marketing consent; empty otherwise. */
  confirmUrl: string;
  postalAddress: string;
}

const SUBJECT = textEngine.parse(`You're on the list for {{ product.name }}`);

const HTML = htmlEngine.parse(`<h1 style="font-size:22px;margin:0 0 16px;">You're on the list</h1>
<p style="margin:0 0 12px;">{% if shopper.name != "" %}Hi {{ shopper.name }}, w{% else %}W{% endif %}e have your backorder for
<strong>{{ backorder.quantity }} × {{ product.name }}</strong>.</p>
{% if backorder.position %}<p style="margin:0 0 12px;">You are number <strong>{{ backorder.position }}</strong> in the queue. Units go to the people who asked first.</p>{% endif %}
{% if product.expectedRestockDate != "" %}<p style="margin:0 0 12px;">We expect new stock around {{ product.expectedRestockDate }}.</p>{% endif %}
{% if confirmUrl != "" %}<p style="margin:0 0 20px;">You asked for updates while you wait. <a href="{{ confirmUrl }}">Confirm that you want them</a>; until you do, we only send what is needed for your backorder.</p>{% endif %}
<p style="margin:0 0 20px;">When your units are in, we will email you straight away. Nothing is charged until then.</p>
<p style="margin:0 0 20px;"><a href="{{ backorder.statusUrl }}" style="display:inline-block;background:#1d4ed8;color:#ffffff;text-decoration:none;padding:12px 20px;border-radius:6px;">See your place in the queue</a></p>
<p style="margin:0;font-size:14px;color:#52525b;overflow-wrap:anywhere;word-break:break-word;">This private link also lets you cancel at any time: {{ backorder.statusUrl }}</p>`);

const TEXT = textEngine.parse(`{% if shopper.name != "" %}Hi {{ shopper.name }},

{% endif %}We have your backorder for {{ backorder.quantity }} x {{ product.name }}.
{% if backorder.position %}You are number {{ backorder.position }} in the queue. Units go to the people who asked first.
{% endif %}{% if product.expectedRestockDate != "" %}We expect new stock around {{ product.expectedRestockDate }}.
{% endif %}{% if confirmUrl != "" %}
You asked for updates while you wait. Confirm that you want them: {{ confirmUrl }}
{% endif %}
When your units are in, we will email you straight away. Nothing is charged until then.

See your place in the queue, or cancel: {{ backorder.statusUrl }}

--
{{ postalAddress }}
`);

export const renderConfirmation = (data: ConfirmationData): Promise<RenderedEmail> =>
  renderTransactional({ subject: SUBJECT, html: HTML, text: TEXT }, data);
