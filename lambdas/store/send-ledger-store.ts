/**
 * The send ledger: one `email#<emailId>` row per email the platform sends, claimed before SES is called (a
 * lease, so a dead worker's claim can be taken over), then recorded `sent` with the email counters in the same
 * transaction, or `withheld`; and `ses#<SES message id>` rows that name the email a bounce or complaint is
 * about. The only writer of these rows with send-events-store.ts (SES Send events) and sent-emails-store.ts
 * (feedback marks, erasure).
 */
import { randomUUID } from 'node:crypto';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../runtime/dynamo';
import { tableName } from '../runtime/config';
import { conditionFailedAt, transactWrite, isConditionFailure } from '../runtime/transact';
import { anyShard, CounterChanges, emailsSentChanges } from '../domain/statistics';
import { alertsSentChanges } from '../domain/funnel';
import { counterUpdates } from './stats-store';

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
    if (!isConditionFailure(error)) throw error;
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
  /** A reservation's restock alert: its product's funnel counts it. */
  sku?: string;
}

/** The counters one email recorded sent moves (`kind` read from the email id when not given). */
const sentChanges = (
  emailId: string,
  counted: SentCounted | undefined,
  shard: number,
  sentAt: string,
): CounterChanges => {
  const kind = counted?.kind ?? emailId.split('#')[0];
  const step =
    kind === 'nurture' && counted?.campaignId && counted.stepId
      ? { campaignId: counted.campaignId, stepId: counted.stepId }
      : undefined;
  const changes = emailsSentChanges(kind, 1, shard, step);
  if (kind === 'restock' && counted?.sku) changes.merge(alertsSentChanges([counted.sku], sentAt, shard));
  return changes;
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
              (changes, record) =>
                changes.merge(sentChanges(record.emailId, record.details, shard, record.sentAt)),
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
      ...counterUpdates(sentChanges(emailId, counted, anyShard(), sentAt)),
    ]);
    return true;
  } catch (error) {
    if (conditionFailedAt(error, 0)) return false;
    throw error;
  }
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
      if (!isConditionFailure(error)) throw error;
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
      if (!isConditionFailure(error)) throw error;
    });
};
