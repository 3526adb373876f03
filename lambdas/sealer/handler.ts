/**
 * Seal queue consumer: seals a product's full books of tickets (lambdas/store/queue-store.ts), so a place
 * in the queue is read from one count per book. A book some shard may still issue into is tried again a few
 * seconds later; sealing twice is harmless (the second finds it sealed).
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from 'zod/mini';
import { queueUrl } from '../runtime/config';
import { logger } from '../runtime/logger';
import { processQueueBatch } from '../runtime/queue-batch';
import { readSummary } from '../store/queue-rows';
import { sealBooksBelow } from '../store/queue-sealing';

const sealMessage = z.object({
  sku: z.string().check(z.minLength(1), z.maxLength(64)),
  below: z.number().check(z.int()),
});

/** A book that can still take tickets (a block leased in the last seconds): try again shortly. */
export class BookStillOpen extends Error {
  override name = 'BookStillOpen';
}

export const sealRecord = async (record: SQSRecord): Promise<void> => {
  const { sku, below } = sealMessage.parse(JSON.parse(record.body));
  const sealed = await sealBooksBelow(sku, below);
  if (sealed > 0) logger.info('books sealed', { sku, sealed });
  if ((await readSummary(sku)).sealedBelow < below) throw new BookStillOpen(`${sku}: books below ${below}`);
};

export const sealBooks = (event: SQSEvent, context?: Context): Promise<SQSBatchResponse> =>
  processQueueBatch(event, context, queueUrl('seal'), sealRecord, {
    retryAfterSeconds: (error) => (error instanceof BookStillOpen ? 3 : undefined),
  });

export const handler = middy(sealBooks).use(injectLambdaContext(logger));
