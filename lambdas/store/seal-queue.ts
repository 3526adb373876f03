/**
 * Queues a request to seal a product's full books (the message: lambdas/messages/seal.ts), delayed until
 * the last blocks of those books can no longer issue.
 */
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { SealMessage } from '../messages/seal';
import { sqs } from '../runtime/sqs';
import { queueUrl } from '../runtime/config';
import { BLOCK_FRESH_MS } from '../domain/queue-tickets';

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
