/**
 * Restock queue consumer: one page of one SKU's allocation run per message (batch size 1), so an invocation
 * stays a few seconds long whatever the length of the queue.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { restockMessage } from '../messages/restock';
import { logger } from '../runtime/logger';
import { consumeEach } from '../runtime/queue-consumer';
import { loadOnce } from '../runtime/load-once';

const loadAllocateRestock = loadOnce(() => import('../use-cases/allocate-restock'));

export const allocate = consumeEach({
  queue: 'restock',
  schema: restockMessage,
  handle: async (message, record) => {
    // Loaded with the first message rather than with the function: it brings the stores and the AWS SDK.
    const { handleRestockMessage } = await loadAllocateRestock();
    const outcome = await handleRestockMessage(message, record.messageId);
    logger.debug('restock message handled', { sku: message.sku, kind: message.kind, outcome });
  },
});

export const handler = middy(allocate).use(injectLambdaContext(logger));
