/**
 * What the send ledger tells people: an address's emails for customer service and export (the `byRecipient`
 * index), the email an SES message id belongs to, SES feedback marked on its email's row, and the erasure of a
 * recipient from every row that named them.
 *
 * `byRecipient` projects only `backorderId` (a timeline's filter), which a send record never changes: every
 * email's record is written again when it is sent, and when SES reports on it, and none of those writes
 * touches the index. Its readers (customer service, a shopper's export and erasure) read the records by key.
 */
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../runtime/dynamo';
import { tableName } from '../runtime/config';
import { everyQueryPage } from './every-page';
import { isConditionFailure } from '../runtime/transact';
import { indexReads, queryIndex, rowsOfEntries } from './index-reads';

export interface SentEmailRecord {
  emailId: string;
  kind: string;
  state: 'sending' | 'sent' | 'withheld';
  /** Why it was never sent, when its template broke the render limits (an erasure gives no reason). */
  withheldReason?: string;
  withheldAt?: string;
  backorderId?: string;
  campaignId?: string;
  stepId?: string;
  subject?: string;
  claimedAt: string;
  sentAt?: string;
  /** Who asked for it (a status link resent by customer service). */
  requestedBy?: string;
  /** An expected-date update that asked the shopper to keep their place or cancel ("yes"). */
  asked?: string;
  /** What SES told us after it left, when it told us anything (see markEmailFeedback). */
  bounce?: { type: 'permanent' | 'transient'; at: string };
  complaint?: { at: string };
}

interface SendRecordRow extends Omit<SentEmailRecord, 'emailId' | 'bounce' | 'complaint'> {
  key: string;
  bouncedAt?: string;
  bounceType?: 'permanent' | 'transient';
  complainedAt?: string;
}

const toSentEmailRecord = (item: Record<string, unknown>): SentEmailRecord => {
  const row = item as unknown as SendRecordRow;
  return {
    emailId: row.key.replace(/^email#/, ''),
    kind: row.kind,
    state: row.state,
    backorderId: row.backorderId,
    campaignId: row.campaignId,
    stepId: row.stepId,
    subject: row.subject,
    claimedAt: row.claimedAt,
    sentAt: row.sentAt,
    requestedBy: row.requestedBy,
    ...(row.asked ? { asked: row.asked } : {}),
    withheldReason: row.withheldReason,
    withheldAt: row.withheldAt,
    bounce: row.bouncedAt ? { type: row.bounceType ?? 'permanent', at: row.bouncedAt } : undefined,
    complaint: row.complainedAt ? { at: row.complainedAt } : undefined,
  };
};

/**
 * The send records the index's entries stand for, in their order; one gone meanwhile, or no longer the
 * address's (erased since the index was read), is left out.
 */
const recordsOf = async (recipientKey: string, entries: Record<string, unknown>[]) =>
  (await rowsOfEntries(indexReads.sentEmails, entries)).flatMap((row) =>
    row?.recipientKey === recipientKey ? [toSentEmailRecord(row)] : [],
  );

/** Every email sent (or being sent) to an address, newest first: what customer service sees. */
export const emailsSentTo = async (recipientKey: string, limit = 100): Promise<SentEmailRecord[]> => {
  const { Items = [] } = await dynamo.send(
    new QueryCommand(
      queryIndex(indexReads.sentEmails, {
        KeyConditionExpression: 'recipientKey = :r',
        ExpressionAttributeValues: { ':r': recipientKey },
        ScanIndexForward: false,
        Limit: limit,
      }),
    ),
  );
  return recordsOf(recipientKey, Items);
};

/** Every email to an address (optionally only those about one backorder), oldest first, all pages. */
export const allEmailsSentTo = async (
  recipientKey: string,
  backorderId?: string,
): Promise<SentEmailRecord[]> => {
  const entries: Record<string, unknown>[] = [];
  await everyQueryPage(
    queryIndex(indexReads.sentEmails, {
      KeyConditionExpression: 'recipientKey = :r',
      ...(backorderId ? { FilterExpression: 'backorderId = :b' } : {}),
      ExpressionAttributeValues: { ':r': recipientKey, ...(backorderId ? { ':b': backorderId } : {}) },
    }),
    ({ items }) => entries.push(...items),
  );
  return recordsOf(recipientKey, entries);
};

/** The email an SES message id belongs to, if we sent it (and remember it). */
export const emailOfMessage = async (sesMessageId: string): Promise<string | undefined> => {
  const { Item } = await dynamo.send(
    new GetCommand({ TableName: tableName('ledger'), Key: { key: `ses#${sesMessageId}` } }),
  );
  return Item?.emailId as string | undefined;
};

export type EmailFeedbackMark =
  { kind: 'bounce'; permanent: boolean; at: string } | { kind: 'complaint'; at: string };

/**
 * Shows what SES reported on the send record of the email (a bounce, a complaint). Setting the same values
 * again changes nothing, so a redelivered notification is harmless; a record that is gone stays gone.
 * Answers whether the record belongs to a shopper who erased their data (so the caller keeps nothing that
 * names them).
 */
export const markEmailFeedback = async (
  emailId: string,
  mark: EmailFeedbackMark,
): Promise<{ erased: boolean }> => {
  const update =
    mark.kind === 'bounce'
      ? {
          expression: 'SET bouncedAt = :at, bounceType = :type',
          values: { ':type': mark.permanent ? 'permanent' : 'transient' },
        }
      : { expression: 'SET complainedAt = :at', values: {} };
  try {
    const { Attributes } = await dynamo.send(
      new UpdateCommand({
        TableName: tableName('ledger'),
        Key: { key: `email#${emailId}` },
        UpdateExpression: update.expression,
        ConditionExpression: 'attribute_exists(#key)',
        ExpressionAttributeNames: { '#key': 'key' },
        ExpressionAttributeValues: { ':at': mark.at, ...update.values },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return { erased: Attributes?.erasedAt !== undefined };
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    return { erased: false };
  }
};

/**
 * Erasure: the send record keeps only what counts (kind, backorder, campaign step, state, dates); the
 * address and the subject (which may carry the shopper's name) go, and with them its place in the
 * byRecipient index. The record itself stays, so the email is still never sent twice. A send in flight
 * (`sending`) becomes `withheld`: the worker's record of it (conditioned on `sending`) then writes nothing,
 * so the address does not come back.
 */
export const forgetRecipient = async (
  emailId: string,
  at: string,
  state?: SentEmailRecord['state'],
): Promise<void> => {
  if (state === 'sending') {
    try {
      await dynamo.send(
        new UpdateCommand({
          TableName: tableName('ledger'),
          Key: { key: `email#${emailId}` },
          UpdateExpression:
            'SET erasedAt = :at, #state = :withheld REMOVE recipientKey, subject, requestedBy, leaseUntil',
          ConditionExpression: '#state = :sending',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':at': at, ':withheld': 'withheld', ':sending': 'sending' },
        }),
      );
      return;
    } catch (error) {
      // Recorded sent meanwhile: stripped as any sent email below.
      if (!isConditionFailure(error)) throw error;
    }
  }
  await dynamo
    .send(
      new UpdateCommand({
        TableName: tableName('ledger'),
        Key: { key: `email#${emailId}` },
        UpdateExpression: 'SET erasedAt = :at REMOVE recipientKey, subject, requestedBy',
        ConditionExpression: 'attribute_exists(#key)',
        ExpressionAttributeNames: { '#key': 'key' },
        ExpressionAttributeValues: { ':at': at },
      }),
    )
    .catch((error) => {
      if (!isConditionFailure(error)) throw error;
    });
};

/**
 * Erasure: an email not sent yet that must never be sent any more (a restock alert still in its queue
 * carries the address itself). The record, without any address, makes every later claim see it as sent.
 */
export const withholdEmail = async (
  emailId: string,
  details: { kind: string; backorderId: string },
  at: string,
): Promise<void> => {
  await dynamo
    .send(
      new PutCommand({
        TableName: tableName('ledger'),
        Item: { key: `email#${emailId}`, state: 'withheld', ...details, claimedAt: at, erasedAt: at },
        ConditionExpression: 'attribute_not_exists(#key)',
        ExpressionAttributeNames: { '#key': 'key' },
      }),
    )
    .catch((error) => {
      if (!isConditionFailure(error)) throw error;
    });
};
