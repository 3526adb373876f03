/**
 * Import queue consumer: one chunk of a product CSV import per message (lambdas/use-cases/import-chunk.ts),
 * upserted by SKU and counted into the import's report once, however often the message arrives.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { importChunkMessage } from '../messages/import';
import { logger } from '../runtime/logger';
import { consumeEach } from '../runtime/queue-consumer';
import { loadOnce } from '../runtime/load-once';

const loadImportChunk = loadOnce(() => import('../use-cases/import-chunk'));

export const importChunks = consumeEach({
  queue: 'import',
  schema: importChunkMessage,
  // Loaded with the first chunk rather than with the function: it brings the stores, the product schema and
  // the AWS SDK.
  handle: async (message) => (await loadImportChunk()).importChunk(message),
});

export const handler = middy(importChunks).use(injectLambdaContext(logger));
