/**
 * The email queue's messages. Each names one email to send; the sender turns it into MIME.
 */
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { sqs } from '../shared/aws';
import { queueUrl } from '../shared/config';

export type EmailMessage = {
  kind: 'confirmation';
  backorderId: string;
  /** The raw status token: only its hash is stored, so the link can be built only from this message. */
  statusToken: string;
};

export const enqueueEmail = async (message: EmailMessage): Promise<void> => {
  await sqs.send(
    new SendMessageCommand({ QueueUrl: queueUrl('email'), MessageBody: JSON.stringify(message) }),
  );
};
