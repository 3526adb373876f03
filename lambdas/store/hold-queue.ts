/** Queues holds that fell due on the hold queue (the message: lambdas/messages/hold.ts). */
import type { HoldMessage } from '../messages/hold';
import { queueUrl } from '../runtime/config';
import { sendMessages } from '../runtime/sqs';

export const enqueueDueHolds = (messages: readonly HoldMessage[]): Promise<void> =>
  sendMessages(
    queueUrl('hold'),
    messages.map((message) => JSON.stringify(message)),
  );
