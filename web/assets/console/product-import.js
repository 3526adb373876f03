// @ts-check
/**
 * Importing products from a CSV file (POST /api/admin/products/import, GET /api/admin/imports/{id};
 * docs/catalogue.md): the file is read in the browser and sent as it is, as text/csv (the server checks it is
 * UTF-8); then its report is polled, with a progress bar of the rows done, until every row is counted, and the
 * rows that were not imported are listed by line.
 */
import { admin, describeFailure, SignedOut } from './admin.js';
import { byId, control, h, showResult } from './dom.js';
import { wireFormSave } from './form-save.js';
import { cell, dataTable, numberCell } from './cards.js';
import { counted } from './section.js';

/** The route's limit: a larger file is refused before it is sent. */
const MAX_BYTES = 1024 * 1024;
const POLL_MS = 1000;

const form = byId('product-import-form', window.HTMLFormElement);
const result = byId('product-import-result');
const progress = byId('product-import-progress', window.HTMLProgressElement);
const progressText = byId('product-import-progress-text');
const errorsBox = byId('product-import-errors');
const fileInput = control(form, 'file', window.HTMLInputElement);

/** Bumped by each new import: the polling of an earlier one stops. */
let generation = 0;

/** @param {number} n */
const spaced = (n) => n.toLocaleString('en');

/**
 * "10 000 rows: 9 998 created, 0 updated, 1 unchanged, 1 not imported."
 * @param {any} report
 */
const summary = (report) =>
  `${counted(report.rows, 'row')}: ${spaced(report.created)} created, ${spaced(report.updated)} updated, ` +
  `${spaced(report.unchanged)} unchanged, ${spaced(report.failed)} not imported.`;

/** @param {any} report */
function showProgress(report) {
  const done = report.created + report.updated + report.unchanged + report.failed;
  progress.max = Math.max(1, report.rows);
  progress.value = done;
  progress.hidden = false;
  progressText.textContent = `${spaced(done)} of ${counted(report.rows, 'row')} done`;
}

/**
 * The rows that were not imported, by line (and how many more there were than the report lists).
 * @param {any} report
 */
function showErrors(report) {
  if (!report.errors.length) {
    errorsBox.replaceChildren();
    return;
  }
  errorsBox.replaceChildren(
    h('h2', { className: 'table-caption' }, 'Rows not imported'),
    dataTable(
      'Rows not imported',
      [['Line', true], 'Problem'],
      report.errors.map((/** @type {{line: number, message: string}} */ error) =>
        h('tr', {}, numberCell('Line', String(error.line)), cell('Problem', error.message)),
      ),
    ),
  );
  if (report.errorsOmitted > 0)
    errorsBox.append(
      h('p', { className: 'muted' }, `And ${counted(report.errorsOmitted, 'more row')} not listed.`),
    );
}

/**
 * Polls the report until the import is done; `onDone` follows (the product list shows the new products).
 * @param {string} id
 * @param {() => void} onDone
 */
async function follow(id, onDone) {
  const mine = ++generation;
  for (;;) {
    let report;
    try {
      report = (await admin('GET', `/api/admin/imports/${encodeURIComponent(id)}`)).body;
    } catch (error) {
      if (error instanceof SignedOut || mine !== generation) return;
      showResult(result, 'error', `The import's progress could not be read. ${describeFailure(error)}`);
      return;
    }
    if (mine !== generation) return;
    showProgress(report);
    if (report.status === 'done') {
      showResult(result, report.failed > 0 ? 'error' : 'success', `Import done. ${summary(report)}`);
      showErrors(report);
      onDone();
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/**
 * Wires the import form; `onImported` runs when an import is done.
 * @param {() => void} onImported
 */
export function wireProductImport(onImported) {
  wireFormSave({
    form,
    result,
    saveButton: byId('product-import-start', window.HTMLButtonElement),
    failure: 'The file was not imported.',
    read: () => {
      const file = fileInput.files?.[0] ?? null;
      const problems = [];
      if (!file) problems.push({ path: 'file', message: 'Choose a CSV file.' });
      else if (file.size > MAX_BYTES)
        problems.push({
          path: 'file',
          message: 'The file is larger than 1 MiB. Split it into smaller files.',
        });
      return { value: file, problems };
    },
    save: async (file) => {
      generation++;
      progress.hidden = true;
      progressText.textContent = '';
      errorsBox.replaceChildren();
      // The bytes as they are: the server, not the browser, says whether they are UTF-8.
      const bytes = await /** @type {File} */ (file).arrayBuffer();
      return admin('POST', '/api/admin/products/import', bytes, { contentType: 'text/csv' });
    },
    // A file the server refused whole: its message says why (a column missing, not UTF-8…), at the file.
    placeDetails: (_details, message) => [{ path: 'file', message }],
    onSaved: ({ body }) => {
      showResult(result, 'info', 'File accepted. Importing…');
      void follow(body.id, onImported);
    },
  });
}
