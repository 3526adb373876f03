/**
 * The email a supplier gets with each batch: a short summary of the demand (the first lines, the totals) and
 * the full list in the attached CSV. Transactional, in the shop's layout, in the language the supplier is
 * set to (English by default). The CSV's column headings stay English: machines read them.
 */
import type { RenderedEmail } from './rendered';
import { heading, Html, markup, paragraph, strong } from './html';
import { wordsFor, type EmailTranslate } from '../../i18n/email-translate';
import { renderTransactional } from './layout';
import type { SupplierBatch } from '../domain/supplier';

/** Lines shown in the email body; the CSV has them all. */
export const LINES_IN_BODY = 20;

export interface SupplierBatchEmailData {
  supplier: { name: string };
  lines: { sku: string; name: string; units: number; backorders: number }[];
  totals: { units: number; backorders: number; products: number };
  /** Lines beyond those shown, found only in the attachment. */
  moreLines: number;
  /** The window of signups it covers: from (absent: the beginning) to, instants (ISO). */
  window: { from?: string; to: string };
  /** The supplier's language ("de"); absent: English. */
  locale?: string;
  fileName: string;
  postalAddress: string;
}

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
    window: { ...(batch.windowFrom ? { from: batch.windowFrom } : {}), to: batch.windowTo },
    ...(batch.locale ? { locale: batch.locale } : {}),
    fileName,
    postalAddress,
  };
};

const CELL = 'padding:6px 8px;border-bottom:1px solid #e4e4e7;';
const HEAD = 'padding:6px 8px;border-bottom:1px solid #d4d4d8;';

/** An instant as the supplier's language writes it, in UTC (the schedule's time zone). */
const moment = (t: EmailTranslate, iso: string): string =>
  `${new Intl.DateTimeFormat(t.locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(new Date(iso))} UTC`;

/** The demand table: SKU, product, units; the supplier's and the shop's text escaped like any other. */
const demandTable = (t: EmailTranslate, lines: SupplierBatchEmailData['lines']): Html =>
  markup(
    new Html(
      '<table role="presentation" cellpadding="0" cellspacing="0" style="width:100%;border-collapse:collapse;margin:0 0 12px;font-size:14px;"><tr>',
    ),
    new Html(`<th align="left" style="${HEAD}">`),
    t('email.supplier.column.sku'),
    new Html('</th>'),
    new Html(`<th align="left" style="${HEAD}">`),
    t('email.supplier.column.product'),
    new Html('</th>'),
    new Html(`<th align="right" style="${HEAD}">`),
    t('email.supplier.column.units'),
    new Html('</th></tr>'),
    lines.map((line) =>
      markup(
        new Html(`<tr><td style="${CELL}font-family:monospace;">`),
        line.sku,
        new Html(`</td><td style="${CELL}">`),
        line.name,
        new Html(`</td><td align="right" style="${CELL}">`),
        line.units,
        new Html('</td></tr>'),
      ),
    ),
    new Html('</table>'),
  );

/** The supplier's batch email, in the supplier's language (English when it has none). */
export const renderSupplierBatch = async (data: SupplierBatchEmailData): Promise<RenderedEmail> => {
  const t = wordsFor(data.locale);
  const { supplier, totals, fileName } = data;
  const units = t('email.supplier.units', { count: totals.units });
  const products = t('email.supplier.products', { count: totals.products });
  const backorders = t('email.supplier.backorders', { count: totals.backorders });
  const period = data.window.from
    ? t('email.supplier.period.between', { from: moment(t, data.window.from), to: moment(t, data.window.to) })
    : t('email.supplier.period.upTo', { to: moment(t, data.window.to) });
  const summary = t('email.supplier.summary', { units, products, backorders, period });
  const more = data.moreLines > 0 && t('email.supplier.more', { count: data.moreLines });
  const some = totals.units > 0;
  return renderTransactional({
    t,
    postalAddress: data.postalAddress,
    subject: some
      ? t('email.supplier.subject', { supplier: supplier.name, units, products })
      : t('email.supplier.subject.none', { supplier: supplier.name }),
    html: some
      ? markup(
          heading(t('email.supplier.heading', { supplier: supplier.name })),
          paragraph(summary),
          demandTable(t, data.lines),
          more && paragraph(more),
          paragraph(t.parts('email.supplier.attachment', { file: strong(fileName) })),
        )
      : markup(
          heading(t('email.supplier.heading', { supplier: supplier.name })),
          paragraph(t('email.supplier.none', { period, file: fileName })),
        ),
    text: some
      ? [
          t('email.supplier.heading', { supplier: supplier.name }),
          `${summary}\n\n${data.lines.map((line) => `${line.units} × ${line.sku} ${line.name}`).join('\n')}`,
          more,
          t('email.supplier.attachment', { file: fileName }),
        ]
          .filter(Boolean)
          .join('\n\n')
      : [
          t('email.supplier.heading', { supplier: supplier.name }),
          t('email.supplier.none', { period, file: fileName }),
        ].join('\n\n'),
  });
};
