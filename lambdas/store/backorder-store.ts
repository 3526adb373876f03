/**
 * Persistence of backorders. Every "only once" rule here is a conditional write:
 * - one active backorder per shopper and SKU: a claim row in the ledger, written in the same transaction;
 * - a status change happens only from the statuses that allow it, so racing cancels/fulfils settle once.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../shared/dynamo';
import { tableName } from '../shared/config';
import type { Backorder, BackorderEvent, BackorderStatus } from '../domain/backorder';
import { decodeCursor, encodeCursor } from './cursor';

/** Stored form: the domain backorder plus index keys. */
interface BackorderRow extends Backorder {
  /** Present only while waiting: the sparse index waitingBySku is the FIFO queue of each SKU. */
  waitingKey?: string;
  listPartition: 'all';
}

const claimKey = (sku: string, emailKey: string) => `signup#${sku}#${emailKey}`;

const toBackorder = (row: Record<string, unknown>): Backorder => {
  const {
    waitingKey: _w,
    listPartition: _l,
    allocationRef: _a,
    ...backorder
  } = row as unknown as BackorderRow & { allocationRef?: string };
  return backorder;
};

export class AlreadySignedUp extends Error {
  constructor(readonly existingId: string) {
    super(`Shopper already has backorder ${existingId}`);
  }
}

const conditionFailedAt = (error: unknown, index: number): boolean =>
  error instanceof TransactionCanceledException &&
  error.CancellationReasons?.[index]?.Code === 'ConditionalCheckFailed';

/**
 * Stores a new backorder and its shopper's claim on the SKU together; throws AlreadySignedUp when the
 * shopper already holds one (the contract's idempotent signup).
 */
export const insertBackorder = async (backorder: Backorder, consentTokenHash?: string): Promise<void> => {
  const row: BackorderRow = { ...backorder, waitingKey: backorder.queueKey, listPartition: 'all' };
  // Under double opt-in, the confirmation link's token (hashed) leads back to this backorder.
  const consentLink = consentTokenHash
    ? [
        {
          Put: {
            TableName: tableName('ledger'),
            Item: { key: `consent#${consentTokenHash}`, backorderId: backorder.id },
          },
        },
      ]
    : [];
  try {
    await dynamo.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: tableName('ledger'),
              Item: { key: claimKey(backorder.sku, backorder.emailKey), backorderId: backorder.id },
              ConditionExpression: 'attribute_not_exists(#key)',
              ExpressionAttributeNames: { '#key': 'key' },
              ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            },
          },
          {
            Put: {
              TableName: tableName('backorders'),
              Item: row,
              ConditionExpression: 'attribute_not_exists(id)',
            },
          },
          ...consentLink,
        ],
      }),
    );
  } catch (error) {
    if (conditionFailedAt(error, 0)) {
      const existing = (error as TransactionCanceledException).CancellationReasons?.[0]?.Item?.backorderId?.S;
      throw new AlreadySignedUp(
        existing ?? (await claimedBackorderId(backorder.sku, backorder.emailKey)) ?? '',
      );
    }
    throw error;
  }
};

const claimedBackorderId = async (sku: string, emailKey: string): Promise<string | undefined> => {
  const { Item } = await dynamo.send(
    new GetCommand({
      TableName: tableName('ledger'),
      Key: { key: claimKey(sku, emailKey) },
      ConsistentRead: true,
    }),
  );
  return Item?.backorderId as string | undefined;
};

export const getBackorder = async (id: string): Promise<Backorder | undefined> => {
  const { Item } = await dynamo.send(
    new GetCommand({ TableName: tableName('backorders'), Key: { id }, ConsistentRead: true }),
  );
  return Item ? toBackorder(Item) : undefined;
};

/** Number of backorders of the SKU that wait ahead of the one with this queue key. */
export const countWaitingAhead = async (sku: string, queueKey: string): Promise<number> => {
  let count = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await dynamo.send(
      new QueryCommand({
        TableName: tableName('backorders'),
        IndexName: 'waitingBySku',
        KeyConditionExpression: 'sku = :sku AND waitingKey < :key',
        ExpressionAttributeValues: { ':sku': sku, ':key': queueKey },
        Select: 'COUNT',
        ExclusiveStartKey: start,
      }),
    );
    count += page.Count ?? 0;
    start = page.LastEvaluatedKey;
  } while (start);
  return count;
};

export class StatusConflict extends Error {
  constructor(readonly current: Backorder | undefined) {
    super(`Backorder is ${current?.status ?? 'missing'}`);
  }
}

/**
 * Moves a backorder from one of `from` to `to`, appends the event, and releases the shopper's claim on the
 * SKU when it is no longer active. Throws StatusConflict (with the current state) when the status did not allow it.
 */
export const changeStatus = async (
  id: string,
  from: readonly BackorderStatus[],
  to: BackorderStatus,
  event: BackorderEvent,
  releaseClaim: { sku: string; emailKey: string } | undefined,
  /** An allocated backorder that is cancelled gives its units back to the product's free stock, in the same write. */
  unitsBack?: { sku: string; quantity: number },
): Promise<Backorder> => {
  const fromValues = Object.fromEntries(from.map((status, i) => [`:from${i}`, status]));
  const items: NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']> = [
    {
      Update: {
        TableName: tableName('backorders'),
        Key: { id },
        ConditionExpression: `#status IN (${Object.keys(fromValues).join(', ')})`,
        UpdateExpression: `SET #status = :to, updatedAt = :at, events = list_append(events, :event)${
          to === 'waiting' ? '' : ' REMOVE waitingKey'
        }`,
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ...fromValues, ':to': to, ':at': event.at, ':event': [event] },
      },
    },
  ];
  if (releaseClaim) {
    items.push({
      Delete: {
        TableName: tableName('ledger'),
        Key: { key: claimKey(releaseClaim.sku, releaseClaim.emailKey) },
        ConditionExpression: 'attribute_not_exists(#key) OR backorderId = :id',
        ExpressionAttributeNames: { '#key': 'key' },
        ExpressionAttributeValues: { ':id': id },
      },
    });
  }
  if (unitsBack) {
    items.push({
      Update: {
        TableName: tableName('products'),
        Key: { sku: unitsBack.sku },
        UpdateExpression: 'ADD stock :units',
        ConditionExpression: 'attribute_exists(sku)',
        ExpressionAttributeValues: { ':units': unitsBack.quantity },
      },
    });
  }
  try {
    await dynamo.send(new TransactWriteCommand({ TransactItems: items }));
  } catch (error) {
    if (conditionFailedAt(error, 0)) throw new StatusConflict(await getBackorder(id));
    throw error;
  }
  const updated = await getBackorder(id);
  if (!updated) throw new StatusConflict(undefined);
  return updated;
};

/** Removes a backorder whose confirmation could not be queued, so the shopper can simply try again. */
export const deleteUnconfirmedBackorder = async (backorder: Backorder): Promise<void> => {
  await dynamo.send(
    new TransactWriteCommand({
      TransactItems: [
        {
          Delete: {
            TableName: tableName('backorders'),
            Key: { id: backorder.id },
            ConditionExpression: 'attribute_exists(id)',
          },
        },
        {
          Delete: {
            TableName: tableName('ledger'),
            Key: { key: claimKey(backorder.sku, backorder.emailKey) },
            ConditionExpression: 'backorderId = :id',
            ExpressionAttributeValues: { ':id': backorder.id },
          },
        },
      ],
    }),
  );
};

export interface BackorderFilter {
  sku?: string;
  emailKey?: string;
  status?: BackorderStatus;
  cursor?: string;
  limit?: number;
}

/** Backorders oldest first, by SKU, by shopper, or all; the status filter narrows any of them. */
export const listBackorders = async (
  filter: BackorderFilter,
): Promise<{ items: Backorder[]; cursor: string | null }> => {
  const [indexName, partition, value] = filter.emailKey
    ? ['byEmail', 'emailKey', filter.emailKey]
    : filter.sku
      ? ['bySku', 'sku', filter.sku]
      : ['byCreated', 'listPartition', 'all'];
  const input: QueryCommandInput = {
    TableName: tableName('backorders'),
    IndexName: indexName,
    KeyConditionExpression: `#p = :p`,
    ExpressionAttributeNames: { '#p': partition },
    ExpressionAttributeValues: { ':p': value },
    Limit: filter.limit ?? 50,
    ExclusiveStartKey: decodeCursor(filter.cursor, ['id', partition, 'queueKey'], { [partition]: value }),
  };
  const conditions: string[] = [];
  if (filter.status) {
    conditions.push('#status = :status');
    input.ExpressionAttributeNames!['#status'] = 'status';
    input.ExpressionAttributeValues![':status'] = filter.status;
  }
  if (filter.emailKey && filter.sku) {
    conditions.push('sku = :sku');
    input.ExpressionAttributeValues![':sku'] = filter.sku;
  }
  if (conditions.length) input.FilterExpression = conditions.join(' AND ');
  const { Items, LastEvaluatedKey } = await dynamo.send(new QueryCommand(input));
  return { items: (Items ?? []).map(toBackorder), cursor: encodeCursor(LastEvaluatedKey) };
};

/** Adds the hash of a newly issued status link token (each marketing email carries its own link). */
export const addStatusToken = async (id: string, tokenHash: string): Promise<void> => {
  await dynamo.send(
    new UpdateCommand({
      TableName: tableName('backorders'),
      Key: { id },
      UpdateExpression: 'SET statusTokenHashes = list_append(statusTokenHashes, :hash)',
      ConditionExpression: 'attribute_exists(id)',
      ExpressionAttributeValues: { ':hash': [tokenHash] },
    }),
  );
};

/**
 * Records a confirmed marketing consent (double opt-in). Only a waiting backorder without consent yet
 * changes; returns the backorder as it is afterwards.
 */
export const confirmConsent = async (id: string, at: string): Promise<Backorder | undefined> => {
  try {
    await dynamo.send(
      new UpdateCommand({
        TableName: tableName('backorders'),
        Key: { id },
        UpdateExpression: 'SET consentedAt = :at, events = list_append(events, :event)',
        ConditionExpression: 'attribute_not_exists(consentedAt) AND marketingConsent = :yes',
        ExpressionAttributeValues: {
          ':at': at,
          ':yes': true,
          ':event': [{ at, type: 'consent_confirmed', by: 'shopper' }],
        },
      }),
    );
  } catch (error) {
    if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
  }
  return getBackorder(id);
};

/**
 * One page of waiting backorders with effective marketing consent, oldest first: of one SKU, or of all.
 * Used by enrolment jobs; the cursor continues where the page ended.
 */
export const waitingConsentingPage = async (
  sku: string | undefined,
  cursor: string | undefined,
  limit = 200,
): Promise<{ items: Backorder[]; cursor: string | null }> => {
  const [indexName, partition, value] = sku ? ['bySku', 'sku', sku] : ['byCreated', 'listPartition', 'all'];
  const { Items, LastEvaluatedKey } = await dynamo.send(
    new QueryCommand({
      TableName: tableName('backorders'),
      IndexName: indexName,
      KeyConditionExpression: '#p = :p',
      FilterExpression: '#status = :waiting AND attribute_exists(consentedAt)',
      ExpressionAttributeNames: { '#p': partition, '#status': 'status' },
      ExpressionAttributeValues: { ':p': value, ':waiting': 'waiting' },
      ExclusiveStartKey: decodeCursor(cursor, ['id', partition, 'queueKey'], { [partition]: value }),
      Limit: limit,
    }),
  );
  return { items: (Items ?? []).map(toBackorder), cursor: encodeCursor(LastEvaluatedKey) };
};
