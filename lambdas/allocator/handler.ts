/**
 * Restock queue consumer: one page of one SKU's allocation run per message (batch size 1), so an invocation
 * stays a few seconds long whatever the length of the queue.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from 'zod/mini';
import { queueUrl } from '../runtime/config';
import { logger } from '../runtime/logger';
import { processQueueBatch } from '../runtime/queue-batch';
import { handleRestockMessage } from '../use-cases/allocate-restock';

const sku = z.string().check(z.minLength(1), z.maxLength(64));

const restockMessage = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('start'), sku, reason: z.string().check(z.maxLength(100)) }),
  z.object({
    kind: z.literal('page'),
    sku,
    runId: z.string().check(z.minLength(1), z.maxLength(200)),
    page: z.int().check(z.gte(0)),
    cursor: z.optional(z.string().check(z.maxLength(4096))),
    predecessor: z.optional(z.string().check(z.maxLength(200))),
  }),
]);

export const allocateRecord = async (record: SQSRecord): Promise<void> => {
  const message = restockMessage.parse(JSON.parse(record.body));
  const outcome = await handleRestockMessage(message, record.messageId);
  logger.debug('restock message handled', { sku: message.sku, kind: message.kind, outcome });
};

export const allocate = (event: SQSEvent, context?: Context): Promise<SQSBatchResponse> =>
  processQueueBatch(event, context, queueUrl('restock'), allocateRecord);

export const handler = middy(allocate).use(injectLambdaContext(logger));
