/**
 * The restock queue's messages. A `start` asks for an allocation run of a SKU (stock arrived, an allocated
 * backorder was cancelled, a shopper signed up while units are free); a `page` continues a run where its
 * previous page ended. One page per message keeps every invocation short, whatever the queue's length.
 */
import { queueUrl } from '../runtime/config';
import { sendMessages } from '../runtime/sqs';

export type RestockMessage =
  | { kind: 'start'; sku: string; reason: string }
  | {
      kind: 'page';
      sku: string;
      runId: string;
      page: number;
      cursor?: string;
      /** For the first page of a run started by a finishing run (a rerun): the run it takes over from. */
      predecessor?: string;
    };

/** Asks for an allocation run of each SKU. Harmless when nothing is free or nobody waits. */
export const requestAllocation = (skus: readonly string[], reason: string): Promise<void> =>
  sendMessages(
    queueUrl('restock'),
    [...new Set(skus)].map((sku) => JSON.stringify({ kind: 'start', sku, reason } satisfies RestockMessage)),
  );

export const enqueueRestockPage = (message: Extract<RestockMessage, { kind: 'page' }>): Promise<void> =>
  sendMessages(queueUrl('restock'), [JSON.stringify(message)]);
