/**
 * Queues email. Transactional email goes on the `email` queue (the sender); nurture steps on the `nurture`
 * queue (the nurturer), so a burst of marketing email never holds up a confirmation. The messages:
 * lambdas/messages/email.ts and nurture.ts.
 */
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { EmailMessage } from '../messages/email';
import type { NurtureMessage } from '../messages/nurture';
import { sendMessages, sqs } from '../runtime/sqs';
import { queueUrl } from '../runtime/config';

/** Queues transactional emails, ten per request; throws if any was refused. */
export const enqueueEmails = (messages: readonly EmailMessage[]): Promise<void> =>
  sendMessages(
    queueUrl('email'),
    messages.map((message) => JSON.stringify(message)),
  );

export const enqueueEmail = async (message: EmailMessage): Promise<void> => {
  await sqs.send(
    new SendMessageCommand({ QueueUrl: queueUrl('email'), MessageBody: JSON.stringify(message) }),
  );
};

/** Queues many nurture steps on the nurture queue, ten per request; throws if any entry was refused. */
export const enqueueNurtureSteps = (messages: readonly NurtureMessage[]): Promise<void> =>
  sendMessages(
    queueUrl('nurture'),
    messages.map((message) => JSON.stringify(message)),
    1,
  );
