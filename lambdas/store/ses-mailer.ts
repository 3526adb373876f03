/**
 * SES, the one way out for an email: a raw MIME message handed over for exactly one recipient, in the
 * configuration set that reports its events, tagged with the email's id so a Send, bounce or complaint event
 * finds its send record.
 *
 * One attempt per call (lambdas/runtime/ses.ts): SES has no idempotency key, so every retry goes through the
 * send ledger's claim instead (lambdas/use-cases/deliver-email.ts).
 */
import { SendRawEmailCommand } from '@aws-sdk/client-ses';
import { ses } from '../runtime/ses';
import { sesConfigurationSet } from '../runtime/config';
import { emailIdTag } from '../domain/email-tag';

/**
 * SES gave no answer (a timeout, a dropped connection): it may have accepted the email. The claim is not given
 * back: it stays until SES's Send event records the email sent or its lease runs out, so the retry does not
 * send it twice. (A refusal SES answered, such as throttling, gives the claim back at once.)
 */
export class SendUnanswered extends Error {
  override name = 'SendUnanswered';
  constructor(cause: unknown) {
    super('SES gave no answer; the email may have been accepted', { cause });
  }
}

/** Sends one email; answers SES's message id. */
export const sendRawEmail = async (email: {
  raw: Buffer | Uint8Array;
  to: string;
  emailId: string;
}): Promise<string> => {
  const { MessageId } = await ses
    .send(
      new SendRawEmailCommand({
        RawMessage: { Data: email.raw },
        // The one recipient, said outright: whatever the headers say, SES delivers to no one else.
        Destinations: [email.to],
        ConfigurationSetName: sesConfigurationSet(),
        Tags: [emailIdTag(email.emailId)],
      }),
    )
    .catch((error: unknown) => {
      const answered = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      throw answered ? error : new SendUnanswered(error);
    });
  return MessageId ?? '';
};
