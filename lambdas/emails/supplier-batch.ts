/**
 * The email a supplier gets with each batch: a short summary of the demand (the first lines, the totals) and
 * the full list in the attached CSV. Transactional, in the shop's layout. In English: a supplier has no
 * language of its own yet.
 */
import { htmlEngine, textEngine, type RenderedEmail } from './templating';
import { Html } from './html';
import { renderTransactional, wordsFor } from './layout';
import type { SupplierBatch } from '../domain/supplier';

/** Lines shown in the email body; the CSV has them all. */
export const LINES_IN_BODY = 20;

export interface SupplierBatchEmailData {
  supplier: { name: string };
  lines: { sku: string; name: string; units: number; backorders: number }[];
  totals: { units: number; backorders: number; products: number };
  /** Lines beyond those shown, found only in the attachment. */
  moreLines: number;
  /** "since 2026-05-04 06:00 UTC" or "so far": the window, for people. */
  period: string;
  fileName: string;
  postalAddress: string;
}

const SUBJECT = textEngine.parse(
  `{% if totals.units > 0 %}Backorders for {{ supplier.name }}: {{ totals.units }} {% if totals.units == 1 %}unit{% else %}units{% endif %} of {{ totals.products }} {% if totals.products == 1 %}product{% else %}products{% endif %}{% else %}No new backorders for {{ supplier.name }}{% endif %}`,
);

const HTML =
  htmlEngine.parse(`<h1 style="font-size:22px;margin:0 0 16px;">Backorders for {{ supplier.name }}</h1>
{% if totals.units > 0 %}<p style="margin:0 0 12px;">Our shoppers backordered <strong>{{ totals.units }} {% if totals.units == 1 %}unit{% else %}units{% endif %}</strong> of {{ totals.products }} {% if totals.products == 1 %}product{% else %}products{% endif %} ({{ totals.backorders }} {% if totals.backorders == 1 %}backorder{% else %}backorders{% endif %}) {{ period }}.</p>
<table role="presentation" cellpadding="0" cellspacing="0" style="width:100%;border-collapse:collapse;margin:0 0 12px;font-size:14px;">
<tr><th align="left" style="padding:6px 8px 6px 0;border-bottom:1px solid #d4d4d8;">SKU</th><th align="left" style="padding:6px 8px;border-bottom:1px solid #d4d4d8;">Product</th><th align="right" style="padding:6px 0 6px 8px;border-bottom:1px solid #d4d4d8;">Units</th></tr>
{% for line in lines %}<tr><td style="padding:6px 8px 6px 0;border-bottom:1px solid #e4e4e7;font-family:monospace;">{{ line.sku }}</td><td style="padding:6px 8px;border-bottom:1px solid #e4e4e7;">{{ line.name }}</td><td align="right" style="padding:6px 0 6px 8px;border-bottom:1px solid #e4e4e7;">{{ line.units }}</td></tr>
{% endfor %}</table>
{% if moreLines > 0 %}<p style="margin:0 0 12px;">…and {{ moreLines }} more {% if moreLines == 1 %}product{% else %}products{% endif %} in the attachment.</p>{% endif %}
<p style="margin:0;">Every line, with the number of backorders and the oldest one's date, is in the attached <strong>{{ fileName }}</strong>.</p>
{% else %}<p style="margin:0 0 12px;">No new backorders for your products {{ period }}. The attached {{ fileName }} has the column headings only.</p>{% endif %}`);

const TEXT = textEngine.parse(`Backorders for {{ supplier.name }}

{% if totals.units > 0 %}Our shoppers backordered {{ totals.units }} {% if totals.units == 1 %}unit{% else %}units{% endif %} of {{ totals.products }} {% if totals.products == 1 %}product{% else %}products{% endif %} ({{ totals.backorders }} {% if totals.backorders == 1 %}backorder{% else %}backorders{% endif %}) {{ period }}:

{% for line in lines %}{{ line.units }} x {{ line.sku }} {{ line.name }}
{% endfor %}{% if moreLines > 0 %}...and {{ moreLines }} more {% if moreLines == 1 %}product{% else %}products{% endif %} in the attachment.
{% endif %}
Every line, with the number of backorders and the oldest one's date, is in the attached {{ fileName }}.
{% else %}No new backorders for your products {{ period }}. The attached {{ fileName }} has the column headings only.
{% endif %}`);

const minute = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;

/** The email's data from a batch: the lines with most units first, the rest counted. */
export const supplierBatchEmailData = (
  batch: SupplierBatch,
  fileName: string,
  postalAddress: string,
): SupplierBatchEmailData => {
  const byUnits = [...batch.lines].sort((a, b) => b.units - a.units || a.sku.localeCompare(b.sku));
  return {
    supplier: { name: batch.supplierName },
    lines: byUnits
      .slice(0, LINES_IN_BODY)
      .map(({ sku, name, units, backorders }) => ({ sku, name, units, backorders })),
    totals: { units: batch.units, backorders: batch.backorders, products: batch.lines.length },
    moreLines: Math.max(0, batch.lines.length - LINES_IN_BODY),
    period: batch.windowFrom
      ? `between ${minute(batch.windowFrom)} and ${minute(batch.windowTo)}`
      : `up to ${minute(batch.windowTo)}`,
    fileName,
    postalAddress,
  };
};

export const renderSupplierBatch = async (data: SupplierBatchEmailData): Promise<RenderedEmail> =>
  renderTransactional({
    t: wordsFor('en'),
    postalAddress: data.postalAddress,
    subject: await textEngine.render(SUBJECT, data),
    // The Liquid HTML engine escaped every variable.
    html: new Html(await htmlEngine.render(HTML, data)),
    text: await textEngine.render(TEXT, data),
  });
