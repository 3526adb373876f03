// @ts-check
/**
 * The console's CSV exports (GET /api/admin/products.csv, GET /api/admin/backorders.csv?sku=&status=). A plain
 * link cannot carry the session's bearer token, so the button fetches the file with it and hands it to the
 * browser under the name the server gives (admin.js downloadAdminFile). The server streams the file page by
 * page; the browser gathers it in memory (a Blob) before saving it, which a shop's files allow (100 000
 * backorders are about 15 MB). A download that breaks off midway, because the server failed after it began,
 * makes reading the body fail: it is reported, and nothing is saved, never a file that only looks complete.
 */
import { describeFailure, downloadAdminFile, NetworkError, SignedOut } from './admin.js';
import { showResult, whileBusy } from './dom.js';

/**
 * Downloads one export while `button` shows it is busy, and says in `result` how it went.
 * @param {HTMLButtonElement} button
 * @param {HTMLElement} result
 * @param {string} path
 * @param {string} fallbackName
 */
export async function exportCsv(button, result, path, fallbackName) {
  showResult(result, 'info', 'Preparing the file…');
  try {
    const name = await whileBusy(button, 'Exporting…', () => downloadAdminFile(path, fallbackName));
    showResult(result, 'success', `Downloaded ${name}.`);
  } catch (error) {
    if (error instanceof SignedOut) return;
    showResult(
      result,
      'error',
      error instanceof NetworkError
        ? 'The export did not complete: the connection or the server failed before the end of the file, so nothing was saved. Try again.'
        : `The export failed. ${describeFailure(error)}`,
    );
    result.focus();
  }
}
