/**
 * Persistence of backorders. Every "only once" rule here is a conditional write:
 * - one active backorder per shopper and SKU: a claim row in the ledger, written in the same transaction;
 * - a status change happens only from the statuses that allow it, so racing cancels/fulfils settle once.
 * The statistics' counters move in the same transactions, so they follow exactly what happened.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../runtime/dynamo';
import { tableName } from '../runtime/config';
import { listKeysOf, type Backorder, type BackorderEvent, type BackorderStatus } from '../domain/backorder';
import { conditionFailedAt, transactWrite, type TransactItem, isConditionFailure } from '../runtime/transact';
import { cancelledAfterStepsChanges, signupChanges, statusChanges } from '../domain/statistics';
import { lastStepsSent } from './enrolment-store';
import { counterUpdates } from './stats-store';
import { isSealedRefusal, waitingChangeItems } from './queue-store';
import { readSummary } from './queue-rows';
import { ticketKey } from '../domain/queue-tickets';

/** Stored form: the domain backorder plus index keys. */
interface BackorderRow extends Backorder {
  /**
   * Present only while waiting: the sparse index waitingBySku is the FIFO queue of each SKU, in ticket order
   * (`ticketKey`); backorders from before tickets keep their `queueKey` here, which sorts before every ticket.
   */
  waitingKey?: string;
  /** The backorder's shard of the SKU's listings (waitingBySku, bySku): `<sku>#<n>`. */
  skuShard: string;
  /** The backorder's shard of the listing of all (byCreated): `all#<n>`. */
  listPartition: string;
}

/** The queue-count change of a backorder joining or leaving the waiting queue (none before tickets). */
const queueChange = (backorder: Pick<Backorder, 'sku' | 'ticket'>, delta: 1 | -1) =>
  backorder.ticket === undefined ? [] : [{ sku: backorder.sku, ticket: backorder.ticket, delta }];

/**
 * Runs a transaction whose last items move the queue counts, built for the seal state as read; when a book
 * was sealed meanwhile (only those items' conditions failed), reads it again and retries.
 */
const transactWithQueue = async (
  items: TransactItem[],
  changes: ReturnType<typeof queueChange>,
  knownSealedBelow?: number,
): Promise<void> => {
  let sealedBelow = knownSealedBelow ?? Number.NEGATIVE_INFINITY;
  for (let attempt = 0; ; attempt++) {
    const all = [...items, ...waitingChangeItems(changes, sealedBelow)];
    try {
      await transactWrite(() => all);
      return;
    } catch (error) {
      if (changes.length === 0 || attempt >= 3 || !isSealedRefusal(error, items.length)) throw error;
      sealedBelow = (await readSummary(changes[0].sku)).sealedBelow;
    }
  }
};

export const claimKey = (sku: string, emailKey: string) => `signup#${sku}#${emailKey}`;

export const toBackorder = (row: Record<string, unknown>): Backorder => {
  const {
    waitingKey: _w,
    skuShard: _s,
    listPartition: _l,
    allocationRef: _a,
    ...backorder
  } = row as unknown as BackorderRow & { allocationRef?: string };
  // An erased backorder stores no address at all; in memory it reads as empty, never undefined.
  if (backorder.erasedAt)
    return { ...backorder, email: '', emailKey: '', statusTokenHashes: [], emailTokenHashes: [] };
  return backorder;
};

export class AlreadySignedUp extends Error {
  constructor(readonly existingId: string) {
    super(`Shopper already has backorder ${existingId}`);
  }
}

/**
 * Stores a new backorder and its shopper's claim on the SKU together, with the product's counters and the
 * outbox row of its confirmation; throws AlreadySignedUp when the shopper already holds one (the contract's
 * idempotent signup).
 */
export const insertBackorder = async (backorder: Backorder, owed: TransactItem): Promise<void> => {
  const waitingKey = backorder.ticket === undefined ? backorder.queueKey : ticketKey(backorder.ticket);
  const row: BackorderRow = { ...backorder, waitingKey, ...listKeysOf(backorder) };
  const items: TransactItem[] = [
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
    owed,
    ...counterUpdates(signupChanges(backorder)),
  ];
  try {
    // A new ticket is at the queue's end: its book is not sealed (unless the signup was held up for seconds).
    await transactWithQueue(items, queueChange(backorder, 1));
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

export class StatusConflict extends Error {
  constructor(readonly current: Backorder | undefined) {
    super(`Backorder is ${current?.status ?? 'missing'}`);
  }
}

/** How often a status change reads again when the status moved (within `from`) between its read and write. */
const STATUS_PASSES = 4;

/**
 * Moves a backorder from one of `from` to `to`, appends the event, and releases the shopper's claim on the
 * SKU when it is no longer active. Throws StatusConflict (with the current state) when the status did not allow it.
 *
 * The counters depend on the exact status left (waiting or allocated), so the write is conditioned on the
 * status read just before, not merely on `from`: if it moved meanwhile (an allocation), the change is built
 * again from the new status, as long as `from` still allows it.
 */
export const changeStatus = async (
  id: string,
  from: readonly BackorderStatus[],
  to: BackorderStatus,
  event: BackorderEvent,
  releaseClaim: { sku: string; emailKey: string } | undefined,
  /** An allocated backorder that is cancelled gives its units back to the product's free stock, in the same write. */
  unitsBack: { sku: string; quantity: number } | undefined,
  /** The outbox row of the messages this change owes, written in the same transaction. */
  owed: (unitsFreed: boolean) => TransactItem,
): Promise<Backorder> => {
  for (let pass = 0; pass < STATUS_PASSES; pass++) {
    const before = await getBackorder(id);
    if (!before || !from.includes(before.status)) throw new StatusConflict(before);
    const counters = statusChanges(before, before.status, to, event.at);
    // A cancel while waiting counts against the nurture step each of its sequences sent last.
    if (before.status === 'waiting' && to === 'cancelled')
      counters.merge(cancelledAfterStepsChanges(before, await lastStepsSent(id)));
    // Only an allocated backorder holds units to give back, whatever the caller expected.
    const back = before.status === 'allocated' ? unitsBack : undefined;
    const items = statusChangeItems(id, before.status, to, event, releaseClaim, back);
    items.push(owed(back !== undefined), ...counterUpdates(counters));
    // Leaving the waiting queue takes the ticket out of the counts; an older backorder's is likely in a sealed book.
    const leaves = before.status === 'waiting' ? queueChange(before, -1) : [];
    const sealedBelow = leaves.length ? (await readSummary(before.sku)).sealedBelow : undefined;
    try {
      await transactWithQueue(items, leaves, sealedBelow);
    } catch (error) {
      if (conditionFailedAt(error, 0)) continue;
      throw error;
    }
    const updated = await getBackorder(id);
    if (!updated) throw new StatusConflict(undefined);
    return updated;
  }
  throw new StatusConflict(await getBackorder(id));
};

const statusChangeItems = (
  id: string,
  seen: BackorderStatus,
  to: BackorderStatus,
  event: BackorderEvent,
  releaseClaim: { sku: string; emailKey: string } | undefined,
  unitsBack: { sku: string; quantity: number } | undefined,
): TransactItem[] => {
  const items: TransactItem[] = [
    {
      Update: {
        TableName: tableName('backorders'),
        Key: { id },
        ConditionExpression: '#status = :seen',
        UpdateExpression: `SET #status = :to, updatedAt = :at, events = list_append(events, :event)${
          to === 'waiting' ? '' : ' REMOVE waitingKey'
        }`,
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':seen': seen, ':to': to, ':at': event.at, ':event': [event] },
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
  return items;
};

/**
 * How many email links a backorder keeps. Each email adds one, and anyone may have "my links" sent to an
 * address three times an hour: without a bound, its backorders would grow towards DynamoDB's 400 KB item
 * limit and then refuse every write (allocation included). The newest are kept; older emails' links stop
 * working, and the newest email always has one that works.
 */
export const MAX_EMAIL_LINKS = 100;

/**
 * Adds the hash of a newly issued *email link* (each email carries its own link): it also exports and
 * erases, so only links that go to the backorder's own address are added here. One conditional write while
 * there is room; at the bound, the oldest link gives way (a write conditioned on the list as read).
 */
export const addEmailToken = async (id: string, tokenHash: string): Promise<void> => {
  let seen: Backorder | undefined;
  for (let attempt = 0; attempt < 5; attempt++) {
    const links = seen?.emailTokenHashes ?? [];
    const full = links.length >= MAX_EMAIL_LINKS;
    try {
      await dynamo.send(
        new UpdateCommand({
          TableName: tableName('backorders'),
          Key: { id },
          ...(full
            ? {
                // At the bound: the newest links but one, and this one, if the list is still as read.
                UpdateExpression: 'SET emailTokenHashes = :links',
                ConditionExpression: 'attribute_not_exists(erasedAt) AND size(emailTokenHashes) = :seen',
                ExpressionAttributeValues: {
                  ':links': [...links.slice(links.length - MAX_EMAIL_LINKS + 1), tokenHash],
                  ':seen': links.length,
                },
              }
            : {
                UpdateExpression:
                  'SET emailTokenHashes = list_append(if_not_exists(emailTokenHashes, :none), :hash)',
                // Never for an erased backorder: its address is gone, and a link issued now would lead nowhere.
                ConditionExpression:
                  'attribute_exists(id) AND attribute_not_exists(erasedAt) AND ' +
                  '(attribute_not_exists(emailTokenHashes) OR size(emailTokenHashes) < :max)',
                ExpressionAttributeValues: { ':hash': [tokenHash], ':none': [], ':max': MAX_EMAIL_LINKS },
              }),
        }),
      );
      return;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    seen = await getBackorder(id);
    // Gone or erased: refused (the caller's email must not go out with a link that leads nowhere).
    if (!seen || seen.erasedAt) throw new Error(`Backorder ${id} is gone or erased: no email link for it`);
  }
  throw new Error(`Backorder ${id}: its email links kept changing`);
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
        ConditionExpression:
          'attribute_not_exists(consentedAt) AND marketingConsent = :yes AND attribute_not_exists(erasingAt) AND attribute_not_exists(erasedAt)',
        ExpressionAttributeValues: {
          ':at': at,
          ':yes': true,
          ':event': [{ at, type: 'consent_confirmed', by: 'shopper' }],
        },
      }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
  return getBackorder(id);
};
