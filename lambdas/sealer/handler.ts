/**
 * Seal queue consumer: seals a product's full books of tickets (lambdas/store/queue-store.ts), so a place
 * in the queue is read from one count per book. A book some shard may still issue into is tried again a few
 * seconds later; sealing twice is harmless (the second finds it sealed).
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { sealMessage } from '../messages/seal';
import { logger } from '../runtime/logger';
import { consumeEach } from '../runtime/queue-consumer';
import { loadOnce } from '../runtime/load-once';

const loadQueueSealing = loadOnce(() => import('../store/queue-sealing'));
const loadQueueRows = loadOnce(() => import('../store/queue-rows'));

/** A book that can still take tickets (a block leased in the last seconds): try again shortly. */
export class BookStillOpen extends Error {
  override name = 'BookStillOpen';
}

export const sealBooks = consumeEach({
  queue: 'seal',
  schema: sealMessage,
  retryAfterSeconds: (error) => (error instanceof BookStillOpen ? 3 : undefined),
  handle: async ({ sku, below }) => {
    // Loaded with the first message rather than with the function: they bring the AWS SDK.
    const [{ sealBooksBelow }, { readSummary }] = await Promise.all([loadQueueSealing(), loadQueueRows()]);
    const sealed = await sealBooksBelow(sku, below);
    if (sealed > 0) logger.info('books sealed', { sku, sealed });
    if ((await readSummary(sku)).sealedBelow < below) throw new BookStillOpen(`${sku}: books below ${below}`);
  },
});

export const handler = middy(sealBooks).use(injectLambdaContext(logger));
