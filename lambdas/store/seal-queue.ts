/**
 * The seal queue's messages: "seal the full books of this product below this one", sent (a few seconds late,
 * when the last blocks of those books can no longer issue) by the signup whose ticket starts a new book.
 */
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { sqs } from '../runtime/sqs';
import { queueUrl } from '../runtime/config';
import { BLOCK_FRESH_MS } from '../domain/queue-tickets';

export interface SealMessage {
  sku: string;
  /** Every book below this one that no shard can issue into any more. */
  below: number;
}

/** Long enough for every block of the books below to stop issuing (their freshness, and a margin). */
const DELAY_SECONDS = Math.ceil(BLOCK_FRESH_MS / 1000) + 4;

export const requestSeal = async (message: SealMessage): Promise<void> => {
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: queueUrl('seal'),
      MessageBody: JSON.stringify(message),
      DelaySeconds: DELAY_SECONDS,
    }),
  );
};
