/**
 * The email queue's messages. Each names one email to send; the sender turns it into MIME.
 */
import { SendMessageBatchCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { sqs } from '../shared/sqs';
import { queueUrl } from '../shared/config';

export type EmailMessage =
  | {
      kind: 'confirmation';
      backorderId: string;
      /** The raw status token: only its hash is stored, so the link can be built only from this message. */
      statusToken: string;
      /** Under double opt-in, the raw token of the consent confirmation link. */
      consentToken?: string;
    }
  | { kind: 'nurture'; backorderId: string; campaignId: string; stepId: string; stepIndex: number }
  | { kind: 'test'; testId: string; campaignId: string; stepId: string; to: string };

export const enqueueEmail = async (message: EmailMessage): Promise<void> => {
  await sqs.send(
    new SendMessageCommand({ QueueUrl: queueUrl('email'), MessageBody: JSON.stringify(message) }),
  );
};

/** Queues many emails, ten per request (SQS's batch limit); throws if any entry was refused. */
export const enqueueEmails = async (messages: EmailMessage[]): Promise<void> => {
  for (let i = 0; i < messages.length; i += 10) {
    const batch = messages.slice(i, i + 10);
    const { Failed = [] } = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl('email'),
        Entries: batch.map((message, n) => ({ Id: String(n), MessageBody: JSON.stringify(message) })),
      }),
    );
    if (Failed.length > 0)
      throw new Error(`SQS refused ${Failed.length} email messages: ${Failed[0].Message}`);
  }
};
