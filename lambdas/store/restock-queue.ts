/**
 * Queues allocation work on the restock queue: a run's start, and each page's continuation (the messages:
 * lambdas/messages/restock.ts).
 */
import type { RestockMessage, RestockPageMessage } from '../messages/restock';
import { queueUrl } from '../runtime/config';
import { sendMessages } from '../runtime/sqs';

/** Asks for an allocation run of each SKU. Harmless when nothing is free or nobody waits. */
export const requestAllocation = (skus: readonly string[], reason: string): Promise<void> =>
  sendMessages(
    queueUrl('restock'),
    [...new Set(skus)].map((sku) => JSON.stringify({ kind: 'start', sku, reason } satisfies RestockMessage)),
  );

export const enqueueRestockPage = (message: RestockPageMessage): Promise<void> =>
  sendMessages(queueUrl('restock'), [JSON.stringify(message)]);
