/**
 * What SES tells us about an email after it left: bounces and complaints, read from the feedback queue.
 *
 * One record body may arrive in three shapes, all understood here so the subscription's settings cannot
 * silently break suppression: a configuration set event (`eventType`, SNS raw message delivery, what the
 * stack sets up), an identity notification (`notificationType`), or either one wrapped in the SNS envelope
 * (`{"Type":"Notification","Message":"<json>"}`) when raw delivery is off. Events other than bounces and
 * complaints are recognised: a Send event of one of our emails (tagged with its id) confirms the send, the
 * others (Delivery, Open…) are ignored; anything unreadable throws, so the record
 * fails and, after its retries, waits in the dead-letter queue for a human.
 */
// zod's mini build, like the sender: the feedback function is tiny and should start fast.
import * as z from 'zod/mini';
import { EMAIL_ID_TAG, emailIdOfTag } from './email-tag';

export class MalformedFeedbackError extends Error {
  override name = 'MalformedFeedbackError';
}

const text = (max: number) => z.string().check(z.minLength(1), z.maxLength(max));

const recipients = <T extends z.ZodMiniType>(recipient: T) => z.array(recipient).check(z.minLength(1));
const recipient = z.object({ emailAddress: text(1000) });

const mail = z.object({ messageId: text(500) });

/** A Send event: SES accepted the message. Only ours carry the email-id tag (lambdas/domain/email-tag.ts). */
const sendEvent = z.object({
  mail: z.object({
    messageId: text(500),
    timestamp: z.iso.datetime({ offset: true }),
    tags: z.optional(z.record(z.string(), z.array(z.string()))),
    commonHeaders: z.optional(z.object({ subject: z.optional(z.string()) })),
  }),
});

const bounceEvent = z.object({
  mail,
  bounce: z.object({
    bounceType: z.enum(['Permanent', 'Transient', 'Undetermined']),
    bounceSubType: z.optional(z.nullable(z.string())),
    bouncedRecipients: recipients(recipient),
    feedbackId: text(500),
    timestamp: z.iso.datetime({ offset: true }),
  }),
});

const complaintEvent = z.object({
  mail,
  complaint: z.object({
    complainedRecipients: recipients(recipient),
    feedbackId: text(500),
    timestamp: z.iso.datetime({ offset: true }),
    complaintFeedbackType: z.optional(z.nullable(z.string())),
  }),
});

/** The field that names the kind of notification: `eventType` (event publishing) or `notificationType`. */
const notificationKind = z.object({
  eventType: z.optional(z.string()),
  notificationType: z.optional(z.string()),
});

const snsEnvelope = z.object({ Type: z.string(), Message: z.optional(z.string()) });

export type BounceType = 'Permanent' | 'Transient' | 'Undetermined';

export type EmailFeedback =
  | {
      kind: 'bounce';
      bounceType: BounceType;
      bounceSubType?: string;
      /** Only a permanent bounce says the address will never accept mail; the others may pass. */
      permanent: boolean;
      feedbackId: string;
      /** When the receiving server reported it (ISO 8601). */
      at: string;
      sesMessageId: string;
      /** Bare, lower-cased addresses. */
      recipients: string[];
    }
  | {
      kind: 'complaint';
      complaintFeedbackType?: string;
      feedbackId: string;
      at: string;
      sesMessageId: string;
      recipients: string[];
    }
  | {
      kind: 'sent';
      /** Our id of the email (from its tag). */
      emailId: string;
      sesMessageId: string;
      at: string;
      subject?: string;
    }
  | { kind: 'ignored'; type: string };

/**
 * The bare, lower-cased address of `a@b`, `<a@b>`, `Name <a@b>` or `"Last, First" <a@b>`; undefined when
 * there is none.
 */
export const extractAddress = (raw: string): string | undefined => {
  const bracketed = /<([^<>]*)>\s*$/.exec(raw);
  const candidate = (bracketed ? bracketed[1] : raw).trim().replace(/^mailto:/i, '');
  return /^[^\s@<>",]+@[^\s@<>",]+$/.test(candidate) ? candidate.toLowerCase() : undefined;
};

const addressesOf = (list: { emailAddress: string }[]): string[] => [
  ...new Set(
    list.map(({ emailAddress }) => {
      const address = extractAddress(emailAddress);
      if (!address) throw new MalformedFeedbackError(`Not an email address: ${emailAddress.slice(0, 100)}`);
      return address;
    }),
  ),
];

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    throw new MalformedFeedbackError('The notification is not JSON');
  }
};

/** Reads one feedback queue record body; throws MalformedFeedbackError or a zod error when it cannot. */
export const parseSesFeedback = (body: string): EmailFeedback => {
  let notification = parseJson(body);
  const envelope = snsEnvelope.safeParse(notification);
  if (envelope.success) {
    // SubscriptionConfirmation and the like carry no SES event (SQS subscriptions confirm themselves).
    if (envelope.data.Type !== 'Notification') return { kind: 'ignored', type: `SNS ${envelope.data.Type}` };
    if (envelope.data.Message === undefined)
      throw new MalformedFeedbackError('SNS notification without a Message');
    notification = parseJson(envelope.data.Message);
  }
  const { eventType, notificationType } = notificationKind.parse(notification);
  const type = eventType ?? notificationType;
  if (!type) throw new MalformedFeedbackError('Neither eventType nor notificationType: not an SES event');

  if (type === 'Bounce') {
    const { mail, bounce } = bounceEvent.parse(notification);
    return {
      kind: 'bounce',
      bounceType: bounce.bounceType,
      bounceSubType: bounce.bounceSubType ?? undefined,
      permanent: bounce.bounceType === 'Permanent',
      feedbackId: bounce.feedbackId,
      at: bounce.timestamp,
      sesMessageId: mail.messageId,
      recipients: addressesOf(bounce.bouncedRecipients),
    };
  }
  if (type === 'Complaint') {
    const { mail, complaint } = complaintEvent.parse(notification);
    return {
      kind: 'complaint',
      complaintFeedbackType: complaint.complaintFeedbackType ?? undefined,
      feedbackId: complaint.feedbackId,
      at: complaint.timestamp,
      sesMessageId: mail.messageId,
      recipients: addressesOf(complaint.complainedRecipients),
    };
  }
  if (type === 'Send') {
    const { mail: sent } = sendEvent.parse(notification);
    const emailId = emailIdOfTag(sent.tags?.[EMAIL_ID_TAG]?.[0]);
    // Mail this platform did not tag (another sender on the configuration set) is not ours to record.
    if (!emailId) return { kind: 'ignored', type: 'Send (untagged)' };
    return {
      kind: 'sent',
      emailId,
      sesMessageId: sent.messageId,
      at: sent.timestamp,
      subject: sent.commonHeaders?.subject,
    };
  }
  return { kind: 'ignored', type };
};
