/**
 * The exporter's routes (lib/platform.ts, `streamed`): the console's CSV files, sent page by page as they are
 * read (lambdas/use-cases/csv-exports.ts). Apart from the handler module, which Lambda's streaming runtime
 * wraps when it loads, so the routes can be listed without that runtime (test/unit/platform-description.test.ts).
 */
import { streamedFile, type StreamedRoute } from '../runtime/streamed-http';
import { loadOnce } from '../runtime/load-once';

const loadCsvExports = loadOnce(() => import('../use-cases/csv-exports'));
const loadCsv = loadOnce(() => import('../domain/csv'));

/** The exports and the CSV writer, loaded with the first file asked for rather than with the function. */
const csvExports = () => Promise.all([loadCsvExports(), loadCsv()]);

export const routes: Record<string, StreamedRoute> = {
  'GET /api/admin/products.csv': async (request) => {
    const [{ productsExport }, { CSV_CONTENT_TYPE }] = await csvExports();
    return streamedFile(request, { contentType: CSV_CONTENT_TYPE, ...productsExport() });
  },

  'GET /api/admin/backorders.csv': async (request) => {
    const [{ backordersExport }, { CSV_CONTENT_TYPE }] = await csvExports();
    return streamedFile(request, { contentType: CSV_CONTENT_TYPE, ...backordersExport(request.query) });
  },
};
