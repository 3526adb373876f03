/**
 * The largest bodies the routes that read theirs raw accept (413 above), apart from their parsers, so the
 * functions' routers can name them without loading the CSV and webhook schemas.
 */

/** A product CSV file (lambdas/domain/product-csv.ts). */
export const IMPORT_MAX_BYTES = 1024 * 1024;

/** A store's stock webhook (lambdas/domain/store-webhooks.ts). */
export const MAX_STORE_BODY_BYTES = 1024 * 1024;
