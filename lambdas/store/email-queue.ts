/**
 * The email queues' messages. Each names one email to send. Transactional email goes on the `email` queue
 * (the sender); nurture steps on the `nurture` queue (the nurturer), so a burst of marketing email never
 * holds up a confirmation.
 */
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { sendMessages, sqs } from '../runtime/sqs';
import { queueUrl } from '../runtime/config';

export type EmailMessage =
  /**
   * A new backorder's confirmation. It carries no token: the sender issues the email's links (status and,
   * under double opt-in, consent) when it composes it, so the message can wait in the outbox.
   */
  | { kind: 'confirmation'; backorderId: string }
  /**
   * The links of every active backorder of an address, asked for by the shopper (POST /api/links). `emailId`
   * names the request (the address's hash, the hour and its count), so one request sends one email.
   */
  | { kind: 'links'; emailKey: string; emailId: string }
  | { kind: 'test'; testId: string; campaignId: string; stepId: string; to: string }
  /** A supplier's batch of demand, with its CSV; the sender reads the batch row. */
  | { kind: 'supplierBatch'; supplierId: string; batchId: string }
  /**
   * A fresh status link customer service sends on a shopper's behalf. `requestId` names the request, so a
   * retried request or a redelivered message sends it once; the link is issued when the email is composed.
   */
  | { kind: 'statusLink'; backorderId: string; requestId: string; requestedBy: string };

/** One nurture step for one shopper, queued by the sweeper. */
export interface NurtureMessage {
  kind: 'nurture';
  backorderId: string;
  campaignId: string;
  stepId: string;
  stepIndex: number;
}

export const enqueueEmail = async (message: EmailMessage): Promise<void> => {
  await sqs.send(
    new SendMessageCommand({ QueueUrl: queueUrl('email'), MessageBody: JSON.stringify(message) }),
  );
};

/** Queues many nurture steps on the nurture queue, ten per request; throws if any entry was refused. */
export const enqueueNurtureSteps = (messages: NurtureMessage[]): Promise<void> =>
  sendMessages(
    queueUrl('nurture'),
    messages.map((message) => JSON.stringify(message)),
    1,
  );
