/**
 * The ledger: small rows whose conditional writes enforce "at most N" and "only once" rules.
 */
import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  BatchGetCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../shared/dynamo';
import { tableName } from '../shared/config';
import { conditionFailedAt, transactWrite } from '../shared/transact';
import { anyShard, CounterChanges, emailsSentChanges } from '../domain/statistics';
import { counterUpdates } from './stats-store';
import { everyQueryPage } from './every-page';

/** Counts a hit in a fixed window and returns the count so far; rows expire after the window. */
export const countHit = async (key: string, windowEndsAtSeconds: number): Promise<number> => {
  const { Attributes } = await dynamo.send(
    new UpdateCommand({
      TableName: tableName('ledger'),
      Key: { key },
      UpdateExpression: 'ADD hits :one SET expiresAt = :expires',
      ExpressionAttributeValues: { ':one': 1, ':expires': windowEndsAtSeconds + 60 },
      ReturnValues: 'UPDATED_NEW',
    }),
  );
  return Number(Attributes?.hits ?? 0);
};

export type SendClaim =
  | { outcome: 'claimed'; claimId: string }
  | { outcome: 'already-sent' }
  | { outcome: 'in-flight'; leaseUntil: number };

/**
 * Claims the right to send one email (by its deterministic id). A claim is a lease: if the worker that took
 * it died before recording the send, the lease expires and another delivery may take over.
 */
export type SendDetails = {
  recipientKey: string;
  backorderId?: string;
  kind: string;
  [key: string]: string | undefined;
};

/** The claim row and its condition: absent, or a claim whose worker died (its lease ran out). */
const claimPut = (
  emailId: string,
  details: SendDetails,
  claimId: string,
  leaseMs: number,
  nowMs: number,
) => ({
  TableName: tableName('ledger'),
  Item: {
    key: `email#${emailId}`,
    state: 'sending',
    claimId,
    leaseUntil: nowMs + leaseMs,
    claimedAt: new Date(nowMs).toISOString(),
    ...details,
  },
  ConditionExpression: 'attribute_not_exists(#key) OR (#state = :sending AND leaseUntil < :now)',
  ExpressionAttributeNames: { '#key': 'key', '#state': 'state' },
  ExpressionAttributeValues: { ':sending': 'sending', ':now': nowMs },
});

export const claimSend = async (
  emailId: string,
  details: SendDetails,
  leaseMs: number,
  nowMs: number = Date.now(),
): Promise<SendClaim> => {
  // Names this worker's claim, so giving it back can never remove a claim another worker took over.
  const claimId = randomUUID();
  try {
    await dynamo.send(new PutCommand(claimPut(emailId, details, claimId, leaseMs, nowMs)));
    return { outcome: 'claimed', claimId };
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
    const { Item } = await dynamo.send(
      new GetCommand({
        TableName: tableName('ledger'),
        Key: { key: `email#${emailId}` },
        ConsistentRead: true,
      }),
    );
    // Withheld: an email that must never go out any more (its shopper's data was erased); as good as sent.
    if (Item?.state === 'sent' || Item?.state === 'withheld') return { outcome: 'already-sent' };
    return { outcome: 'in-flight', leaseUntil: Number(Item?.leaseUntil ?? nowMs) };
  }
};

/**
 * Claims a batch of emails in one request (a transaction of conditional puts): the usual case, where none is
 * a duplicate, costs a tenth of a request per email. When any is refused the transaction writes nothing, and
 * each is claimed on its own to learn which were duplicates.
 */
export const claimSends = async (
  sends: readonly { emailId: string; details: SendDetails }[],
  leaseMs: number,
  nowMs: number = Date.now(),
): Promise<SendClaim[]> => {
  if (sends.length === 0) return [];
  const claimIds = sends.map(() => randomUUID());
  try {
    await dynamo.send(
      new TransactWriteCommand({
        TransactItems: sends.map(({ emailId, details }, i) => ({
          Put: claimPut(emailId, details, claimIds[i], leaseMs, nowMs),
        })),
      }),
    );
    return claimIds.map((claimId) => ({ outcome: 'claimed', claimId }));
  } catch (error) {
    if (!(error instanceof TransactionCanceledException)) throw error;
    return Promise.all(sends.map(({ emailId, details }) => claimSend(emailId, details, leaseMs, nowMs)));
  }
};

export interface SentRecord {
  emailId: string;
  details: SendDetails;
  claimedAt: string;
  sesMessageId: string;
  sentAt: string;
  subject: string;
}

/** How long SES's message id leads back to the email: bounces come within days, complaints within weeks. */
const MESSAGE_LOOKUP_DAYS = 90;

/** The row `ses#<SES message id>` → email id, by which feedback finds the email it is about. */
const messageLookupItem = (emailId: string, sesMessageId: string, nowMs: number) => ({
  key: `ses#${sesMessageId}`,
  emailId,
  expiresAt: Math.floor(nowMs / 1000) + MESSAGE_LOOKUP_DAYS * 24 * 3600,
});

/** Remembers which email SES's message id is, so a bounce or complaint can be shown on it. */
export const rememberMessageId = async (
  emailId: string,
  sesMessageId: string,
  nowMs = Date.now(),
): Promise<void> => {
  if (!sesMessageId) return;
  await dynamo.send(
    new PutCommand({
      TableName: tableName('ledger'),
      Item: messageLookupItem(emailId, sesMessageId, nowMs),
    }),
  );
};

/** What the email counters need to know of a send: its kind, and for a nurture email its step. */
export interface SentCounted {
  kind: string;
  campaignId?: string;
  stepId?: string;
}

/** The counters one email recorded sent moves (`kind` read from the email id when not given). */
const sentChanges = (emailId: string, counted: SentCounted | undefined, shard: number): CounterChanges => {
  const kind = counted?.kind ?? emailId.split('#')[0];
  const step =
    kind === 'nurture' && counted?.campaignId && counted.stepId
      ? { campaignId: counted.campaignId, stepId: counted.stepId }
      : undefined;
  return emailsSentChanges(kind, 1, shard, step);
};

/** The send record: only a claim still `sending` becomes `sent`, which is what makes a send count once. */
const stillSending = {
  ConditionExpression: '#state = :sending',
  ExpressionAttributeNames: { '#state': 'state' },
} as const;

/**
 * Records a batch of sends in one request: one transaction of the sent records (each conditioned on its
 * claim still `sending`), their `ses#` lookup rows and the email counters, so a batch of ten alerts is still
 * one request and is counted exactly once. If anything in it is refused (one record was already recorded by a
 * worker that took its claim over) nothing is written, and each is recorded on its own.
 */
export const recordSentMany = async (records: readonly SentRecord[], nowMs = Date.now()): Promise<void> => {
  // At most 25 records, 25 lookup rows and 26 counter rows: well within a transaction's 100 items.
  for (let i = 0; i < records.length; i += 25) {
    const chunk = records.slice(i, i + 25);
    const remembered = chunk.filter((record) => record.sesMessageId);
    try {
      await transactWrite(() => {
        const shard = anyShard();
        return [
          ...chunk.map((record) => ({
            Put: {
              TableName: tableName('ledger'),
              Item: {
                key: `email#${record.emailId}`,
                ...record.details,
                state: 'sent',
                claimedAt: record.claimedAt,
                sesMessageId: record.sesMessageId,
                sentAt: record.sentAt,
                subject: record.subject,
              },
              ...stillSending,
              ExpressionAttributeValues: { ':sending': 'sending' },
            },
          })),
          ...remembered.map((record) => ({
            Put: {
              TableName: tableName('ledger'),
              Item: messageLookupItem(record.emailId, record.sesMessageId, nowMs),
            },
          })),
          ...counterUpdates(
            chunk.reduce(
              (changes, record) => changes.merge(sentChanges(record.emailId, record.details, shard)),
              new CounterChanges(),
            ),
          ),
        ];
      });
      continue;
    } catch {
      // Fall through: each is recorded on its own below.
    }
    await Promise.all([
      ...chunk.map((r) => recordSent(r.emailId, r.sesMessageId, r.sentAt, r.subject, r.details)),
      ...remembered.map((r) => rememberMessageId(r.emailId, r.sesMessageId, nowMs)),
    ]);
  }
};

/**
 * Records one send and counts it, in one transaction conditioned on the claim still `sending`: answers false
 * (and counts nothing) when it was recorded already, by a worker that took the claim over.
 */
export const recordSent = async (
  emailId: string,
  sesMessageId: string,
  sentAt: string,
  subject: string,
  counted?: SentCounted,
): Promise<boolean> => {
  try {
    await transactWrite(() => [
      {
        Update: {
          TableName: tableName('ledger'),
          Key: { key: `email#${emailId}` },
          UpdateExpression:
            'SET #state = :sent, sesMessageId = :mid, sentAt = :at, subject = :subject REMOVE leaseUntil',
          ...stillSending,
          ExpressionAttributeValues: {
            ':sending': 'sending',
            ':sent': 'sent',
            ':mid': sesMessageId,
            ':at': sentAt,
            ':subject': subject,
          },
        },
      },
      // Another shard on each try: a conflict on one counter row is not met again.
      ...counterUpdates(sentChanges(emailId, counted, anyShard())),
    ]);
    return true;
  } catch (error) {
    if (conditionFailedAt(error, 0)) return false;
    throw error;
  }
};

/**
 * A Send event that arrived while the worker that sent the email still holds its claim: most likely it is
 * about to record the send itself (alerts are recorded a batch at a time), and recording it here too would
 * only race it. The event comes back shortly before the lease ends, and records the send then if the worker
 * died.
 */
export class SendNotSettled extends Error {
  override name = 'SendNotSettled';
  constructor(
    emailId: string,
    readonly retryAfterSeconds: number,
  ) {
    super(`The send of ${emailId} is still its worker's to record`);
  }
}

/** How long before a claim's lease ends a Send event records the send itself. */
export const SEND_EVENT_MARGIN_MS = 10_000;

/**
 * SES's Send event for one of our emails: if its claim is still `sending` when the claim's lease is nearly
 * over (the worker that sent it died before recording it), records it sent from the event, so the lease
 * running out never lets the email go twice. Answers whether this recorded it; a send already recorded
 * changes nothing; a claim whose worker may still record it throws SendNotSettled.
 */
export const recordSentFromEvent = async (
  emailId: string,
  sesMessageId: string,
  sentAt: string,
  subject: string | undefined,
  /** The email's ledger row when the caller read it already (with the rest of its batch). */
  known?: Record<string, unknown> | null,
  nowMs = Date.now(),
): Promise<boolean> => {
  const Item =
    known === undefined
      ? (
          await dynamo.send(
            new GetCommand({
              TableName: tableName('ledger'),
              Key: { key: `email#${emailId}` },
              ConsistentRead: true,
            }),
          )
        ).Item
      : known;
  if (Item?.state !== 'sending') return false;
  const settleInMs = Number(Item.leaseUntil ?? 0) - SEND_EVENT_MARGIN_MS - nowMs;
  if (settleInMs > 0) throw new SendNotSettled(emailId, settleInMs / 1000);
  const counted: SentCounted = {
    kind: String(Item.kind ?? emailId.split('#')[0]),
    campaignId: Item.campaignId as string | undefined,
    stepId: Item.stepId as string | undefined,
  };
  const recorded = await recordSent(
    emailId,
    sesMessageId,
    sentAt,
    subject ?? String(Item.subject ?? ''),
    counted,
  );
  if (recorded) await rememberMessageId(emailId, sesMessageId);
  return recorded;
};

/**
 * The ledger rows of several emails in one request (strongly consistent), by email id; an email with no row
 * maps to null. Ids DynamoDB left unprocessed are absent, to be read one by one.
 */
export const sendRecordsOf = async (
  emailIds: readonly string[],
): Promise<Map<string, Record<string, unknown> | null>> => {
  const rows = new Map<string, Record<string, unknown> | null>();
  const unique = [...new Set(emailIds)];
  for (let i = 0; i < unique.length; i += 100) {
    const chunk = unique.slice(i, i + 100);
    const { Responses, UnprocessedKeys } = await dynamo.send(
      new BatchGetCommand({
        RequestItems: {
          [tableName('ledger')]: { Keys: chunk.map((id) => ({ key: `email#${id}` })), ConsistentRead: true },
        },
      }),
    );
    const unprocessed = new Set(
      (UnprocessedKeys?.[tableName('ledger')]?.Keys ?? []).map((k) => String(k.key).slice('email#'.length)),
    );
    for (const id of chunk) if (!unprocessed.has(id)) rows.set(id, null);
    for (const item of Responses?.[tableName('ledger')] ?? [])
      rows.set(String(item.key).slice('email#'.length), item);
  }
  return rows;
};

/**
 * A claimed email that must never go out (its template breaks the render limits with this shopper's data):
 * the claim becomes `withheld` with the reason, so every later claim sees it settled and customer service
 * sees why. Only this worker's claim changes; one erased or taken over meanwhile is left as it is.
 */
export const withholdClaimedSend = async (
  emailId: string,
  claimId: string,
  reason: string,
  at: string,
): Promise<void> => {
  await dynamo
    .send(
      new UpdateCommand({
        TableName: tableName('ledger'),
        Key: { key: `email#${emailId}` },
        UpdateExpression:
          'SET #state = :withheld, withheldAt = :at, withheldReason = :reason REMOVE leaseUntil',
        ConditionExpression: '#state = :sending AND claimId = :claim',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: {
          ':withheld': 'withheld',
          ':at': at,
          ':reason': reason,
          ':sending': 'sending',
          ':claim': claimId,
        },
      }),
    )
    .catch((error) => {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    });
};

/** Gives this worker's claim back after a failed send so the retry can take it at once. */
export const releaseSend = async (emailId: string, claimId: string): Promise<void> => {
  await dynamo
    .send(
      new DeleteCommand({
        TableName: tableName('ledger'),
        Key: { key: `email#${emailId}` },
        ConditionExpression: '#state = :sending AND claimId = :claim',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':sending': 'sending', ':claim': claimId },
      }),
    )
    .catch((error) => {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    });
};

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
    withheldReason: row.withheldReason,
    withheldAt: row.withheldAt,
    bounce: row.bouncedAt ? { type: row.bounceType ?? 'permanent', at: row.bouncedAt } : undefined,
    complaint: row.complainedAt ? { at: row.complainedAt } : undefined,
  };
};

/** Every email sent (or being sent) to an address, newest first: what customer service sees. */
export const emailsSentTo = async (recipientKey: string, limit = 100): Promise<SentEmailRecord[]> => {
  const { Items = [] } = await dynamo.send(
    new QueryCommand({
      TableName: tableName('ledger'),
      IndexName: 'byRecipient',
      KeyConditionExpression: 'recipientKey = :r',
      ExpressionAttributeValues: { ':r': recipientKey },
      ScanIndexForward: false,
      Limit: limit,
    }),
  );
  return Items.map(toSentEmailRecord);
};

/** Every email to an address (optionally only those about one backorder), oldest first, all pages. */
export const allEmailsSentTo = async (
  recipientKey: string,
  backorderId?: string,
): Promise<SentEmailRecord[]> => {
  const records: SentEmailRecord[] = [];
  await everyQueryPage(
    {
      TableName: tableName('ledger'),
      IndexName: 'byRecipient',
      KeyConditionExpression: 'recipientKey = :r',
      ...(backorderId ? { FilterExpression: 'backorderId = :b' } : {}),
      ExpressionAttributeValues: { ':r': recipientKey, ...(backorderId ? { ':b': backorderId } : {}) },
    },
    ({ items }) => records.push(...items.map(toSentEmailRecord)),
  );
  return records;
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
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
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
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
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
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
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
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    });
};
