// @ts-check
/**
 * A supplier's batches (GET/POST /api/admin/suppliers/{id}/batches, GET …/batches/{batchId}/csv): each
 * batch with its lines, newest first a page at a time, its CSV to download, and "Send batch now".
 */
import { admin, describeFailure, downloadAdminFile, segment, SignedOut } from './admin.js';
import { byId, closestTo, confirmAction, h, showResult, whileBusy } from './dom.js';
import { formatMoment } from '../format.js';
import { PagedList, counted, pagePath } from './section.js';
import { actionButton, actions, badge, card, cell, dataTable, fact, facts, rowHeading } from './cards.js';

/** @typedef {import('./section.js').Message} Message */

const title = byId('supplier-batches-title');
const info = byId('supplier-batches-info');
const result = byId('supplier-batches-result');
const batchList = byId('supplier-batches');
const sendNowButton = byId('supplier-send-now', window.HTMLButtonElement);
const editLink = byId('supplier-edit-link', window.HTMLAnchorElement);

/** The supplier whose batches are shown. */
let batchesOf = /** @type {any} */ (null);
/** What to say once the first page shows, instead of how many there are (after "Send batch now"). */
let opening = /** @type {Message|null} */ (null);

/** @param {number} count */
const unitText = (count) => counted(count, 'unit');

const pages = new PagedList({
  moreButton: byId('supplier-batches-more', window.HTMLButtonElement),
  fetchPage: async (cursor) =>
    (await admin('GET', pagePath(`/api/admin/suppliers/${segment(batchesOf.id)}/batches`, cursor))).body,
  append: (items) => {
    batchList.append(...items.map(batchCard));
    const message = opening;
    opening = null;
    const count = batchList.children.length;
    if (message) showResult(result, message.kind, message.text);
    else
      showResult(
        result,
        'info',
        count === 0
          ? 'No batches yet. The first goes out on schedule, or now with "Send batch now".'
          : `${counted(count, 'batch', 'batches')}${pages.cursor ? ' so far' : ''}.`,
      );
  },
  failed: (error) => showResult(result, 'error', `Batches could not be loaded. ${describeFailure(error)}`),
  count: () => batchList.children.length,
  entry: (index) => batchList.children[index]?.querySelector('h2'),
});

/**
 * Shows a supplier's batches (the part is shown by suppliers.js).
 * @param {any} supplier
 * @param {(batch: any) => string} describeSchedule
 */
export async function showBatches(supplier, describeSchedule) {
  batchesOf = supplier;
  title.textContent = `Batches for ${supplier.name}`;
  info.textContent = `Sent to ${supplier.email}. ${describeSchedule(supplier.batch)}. Newest first.`;
  editLink.href = `#/suppliers/${segment(supplier.id)}`;
  showResult(result, 'info', 'Loading batches…');
  await reload(null);
  return title;
}

/** @param {Message|null} message */
async function reload(message) {
  batchList.replaceChildren();
  pages.restart();
  opening = message;
  await pages.next();
}

/** @param {any} batch */
function batchCard(batch) {
  const titleId = `supplier-batch-${batch.id}`;
  const lines = Array.isArray(batch.lines) ? batch.lines : [];
  return card(
    {
      dataset: { batchId: batch.id },
      titleId,
      title: formatMoment(batch.createdAt) ?? batch.createdAt,
      aside: h(
        'span',
        {},
        badge('neutral', batch.trigger === 'manual' ? 'Sent on demand' : 'On schedule'),
        ' ',
        badge(batch.sentAt ? 'on' : 'neutral', batch.sentAt ? 'Email sent' : 'Email on its way'),
      ),
    },
    facts(
      fact('Units', `${unitText(batch.units ?? 0)} from ${batch.backorders ?? 0} backorders`),
      fact('Sent to', batch.sentTo ?? '—'),
      fact(
        'Covers',
        batch.window?.from
          ? `Backorders placed ${formatMoment(batch.window.from)} – ${formatMoment(batch.window.to)}`
          : `Backorders placed up to ${formatMoment(batch.window?.to) ?? '—'}`,
      ),
    ),
    lines.length === 0
      ? h('p', { className: 'muted' }, 'No new backorders in this batch.')
      : linesTable(lines),
    actions(
      actionButton('download', 'Download CSV', titleId, 'secondary', {
        fileName: batch.fileName ?? 'batch.csv',
      }),
    ),
  );
}

/** @param {any[]} lines */
function linesTable(lines) {
  return dataTable(
    'Lines of this batch',
    ['SKU', 'Product', 'Units', 'Backorders', 'Oldest'],
    lines.map((line) =>
      h(
        'tr',
        {},
        rowHeading('SKU', h('span', { className: 'mono' }, line.sku)),
        cell('Product', line.name ?? ''),
        cell('Units', String(line.units ?? 0)),
        cell('Backorders', String(line.backorders ?? 0)),
        cell('Oldest', formatMoment(line.oldest) ?? '—'),
      ),
    ),
  );
}

batchList.addEventListener('click', async (event) => {
  const button = /** @type {HTMLButtonElement|null} */ (closestTo(event, 'button[data-action="download"]'));
  const batchId = button?.closest('li')?.dataset.batchId;
  if (!button || !batchId || !batchesOf) return;
  button.disabled = true;
  try {
    const name = await downloadAdminFile(
      `/api/admin/suppliers/${segment(batchesOf.id)}/batches/${segment(batchId)}/csv`,
      button.dataset.fileName ?? 'batch.csv',
    );
    showResult(result, 'success', `Downloaded ${name}.`);
  } catch (error) {
    if (error instanceof SignedOut) return;
    showResult(result, 'error', `The CSV could not be downloaded. ${describeFailure(error)}`);
    result.focus();
  } finally {
    button.disabled = false;
  }
});

sendNowButton.addEventListener('click', async () => {
  const supplier = batchesOf;
  if (!supplier) return;
  const confirmed = await confirmAction({
    title: `Send a batch to ${supplier.name} now?`,
    text: `Every backorder placed since the last batch goes to ${supplier.email} now, whatever the minimum. The next scheduled batch then starts from here.`,
    confirmLabel: 'Send batch now',
    cancelLabel: 'Not now',
    danger: false,
  });
  if (!confirmed) return;
  await whileBusy(sendNowButton, 'Sending…', async () => {
    try {
      const { body } = await admin('POST', `/api/admin/suppliers/${segment(supplier.id)}/batches`);
      const count = Array.isArray(body?.lines) ? body.lines.length : 0;
      await reload({
        kind: 'success',
        text:
          count === 0
            ? `Batch sent to ${body.sentTo}: no new backorders since the last batch.`
            : `Batch sent to ${body.sentTo}: ${unitText(body.units ?? 0)} of ${counted(count, 'product')}.`,
      });
      result.focus();
    } catch (error) {
      if (error instanceof SignedOut) return;
      showResult(result, 'error', `The batch was not sent. ${describeFailure(error)}`);
      result.focus();
    }
  });
});

/** Forgets the supplier shown (signing out). */
export function stopBatches() {
  batchesOf = null;
}
