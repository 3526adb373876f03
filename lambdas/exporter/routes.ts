/**
 * The exporter's routes (lib/platform.ts, `streamed`): the console's CSV files, sent page by page as they are
 * read (lambdas/use-cases/csv-exports.ts). Apart from the handler module, which Lambda's streaming runtime
 * wraps when it loads, so the routes can be listed without that runtime (test/unit/platform-description.test.ts).
 */
import { CSV_CONTENT_TYPE } from '../domain/csv';
import { streamedFile, type StreamedRoute } from '../runtime/streamed-http';
import { backordersExport, productsExport } from '../use-cases/csv-exports';

export const routes: Record<string, StreamedRoute> = {
  'GET /api/admin/products.csv': async (request) =>
    streamedFile(request, { contentType: CSV_CONTENT_TYPE, ...productsExport() }),

  'GET /api/admin/backorders.csv': async (request) =>
    streamedFile(request, { contentType: CSV_CONTENT_TYPE, ...backordersExport(request.query) }),
};
