/**
 * The ledger: small rows whose conditional writes enforce "at most N" and "only once" rules.
 */
import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../shared/dynamo';
import { tableName } from '../shared/config';

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
    if (Item?.state === 'sent') return { outcome: 'already-sent' };
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

/**
 * Records a batch of sends in one request (BatchWriteItem puts the whole row; nothing to condition on: the
 * claims are this worker's). Falls back to one update per email for whatever the batch left unprocessed.
 */
export const recordSentMany = async (records: readonly SentRecord[]): Promise<void> => {
  for (let i = 0; i < records.length; i += 25) {
    const chunk = records.slice(i, i + 25);
    let unprocessed: readonly SentRecord[] = chunk;
    try {
      const { UnprocessedItems } = await dynamo.send(
        new BatchWriteCommand({
          RequestItems: {
            [tableName('ledger')]: chunk.map((record) => ({
              PutRequest: {
                Item: {
                  key: `email#${record.emailId}`,
                  ...record.details,
                  state: 'sent',
                  claimedAt: record.claimedAt,
                  sesMessageId: record.sesMessageId,
                  sentAt: record.sentAt,
                  subject: record.subject,
                },
              },
            })),
          },
        }),
      );
      const left = new Set(
        (UnprocessedItems?.[tableName('ledger')] ?? []).map((r) => String(r.PutRequest?.Item?.key)),
      );
      unprocessed = chunk.filter((record) => left.has(`email#${record.emailId}`));
    } catch {
      // Fall through: each is recorded on its own below.
    }
    await Promise.all(unprocessed.map((r) => recordSent(r.emailId, r.sesMessageId, r.sentAt, r.subject)));
  }
};

export const recordSent = async (
  emailId: string,
  sesMessageId: string,
  sentAt: string,
  subject: string,
): Promise<void> => {
  await dynamo.send(
    new UpdateCommand({
      TableName: tableName('ledger'),
      Key: { key: `email#${emailId}` },
      UpdateExpression:
        'SET #state = :sent, sesMessageId = :mid, sentAt = :at, subject = :subject REMOVE leaseUntil',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: {
        ':sent': 'sent',
        ':mid': sesMessageId,
        ':at': sentAt,
        ':subject': subject,
      },
    }),
  );
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
  state: 'sending' | 'sent';
  backorderId?: string;
  campaignId?: string;
  stepId?: string;
  subject?: string;
  claimedAt: string;
  sentAt?: string;
}

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
  return Items.map((item) => ({
    emailId: String(item.key).replace(/^email#/, ''),
    kind: item.kind,
    state: item.state,
    backorderId: item.backorderId,
    campaignId: item.campaignId,
    stepId: item.stepId,
    subject: item.subject,
    claimedAt: item.claimedAt,
    sentAt: item.sentAt,
  }));
};
