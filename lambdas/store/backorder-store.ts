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
import {
  ACTIVE_STATUSES,
  listKeysOf,
  type Backorder,
  type BackorderEvent,
  type BackorderStatus,
} from '../domain/backorder';
import { conditionFailedAt, transactWrite, type TransactItem, isConditionFailure } from '../runtime/transact';
import {
  cancelledAfterStepsChanges,
  signupChanges,
  statusChanges,
  type CounterChanges,
} from '../domain/statistics';
import { lastStepsSent } from './enrolment-store';
import { counterUpdates } from './stats-store';
import { isSealedRefusal, waitingChangeItems } from './queue-store';
import { readSummary } from './queue-rows';
import { ticketKey } from '../domain/queue-tickets';
import { askOpen } from '../domain/eta';
import { slipAnswerChanges } from '../domain/funnel';

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

/** A paid order's row: the shop's order id makes it once, whatever the checkout retries. */
export const orderKey = (orderId: string) => `order#${orderId}`;

export const toBackorder = (row: Record<string, unknown>): Backorder => {
  const {
    waitingKey: _w,
    skuShard: _s,
    listPartition: _l,
    allocationRef: _a,
    holdBucket: _b,
    holdDueKey: _k,
    ...backorder
  } = row as unknown as BackorderRow & { allocationRef?: string; holdBucket?: string; holdDueKey?: string };
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
export const insertBackorder = async (
  backorder: Backorder,
  owed: TransactItem,
  /** The ledger row that makes it once: the shopper's claim on the SKU, or a paid order's id (`orderKey`). */
  onceKey: string = claimKey(backorder.sku, backorder.emailKey),
  moreCounters?: CounterChanges,
): Promise<void> => {
  const waitingKey = backorder.ticket === undefined ? backorder.queueKey : ticketKey(backorder.ticket);
  const row: BackorderRow = { ...backorder, waitingKey, ...listKeysOf(backorder) };
  const counters = signupChanges(backorder);
  if (moreCounters) counters.merge(moreCounters);
  const items: TransactItem[] = [
    {
      Put: {
        TableName: tableName('ledger'),
        Item: { key: onceKey, backorderId: backorder.id },
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
    ...counterUpdates(counters),
  ];
  try {
    // A new ticket is at the queue's end: its book is not sealed (unless the signup was held up for seconds).
    await transactWithQueue(items, queueChange(backorder, 1));
  } catch (error) {
    if (conditionFailedAt(error, 0)) {
      const existing = (error as TransactionCanceledException).CancellationReasons?.[0]?.Item?.backorderId?.S;
      throw new AlreadySignedUp(existing ?? (await claimedBackorderId(onceKey)) ?? '');
    }
    throw error;
  }
};

const claimedBackorderId = async (key: string): Promise<string | undefined> => {
  const { Item } = await dynamo.send(
    new GetCommand({
      TableName: tableName('ledger'),
      Key: { key },
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

/** A status change, as its caller decides it; the parts that depend on the backorder are given it as read. */
export interface StatusChange {
  from: readonly BackorderStatus[];
  to: BackorderStatus;
  event: BackorderEvent;
  /** The shopper's claim on the SKU, released when the backorder is no longer active. */
  releaseClaim?: { sku: string; emailKey: string };
  /**
   * Units the change moves on the product's free stock, in the same write: positive gives them back (a
   * cancelled or expired allocation), negative takes them (a late order of an expired hold), which then
   * needs that many free. Undefined or 0: none.
   */
  units?: (before: Backorder) => number | undefined;
  /** More attributes to set on the backorder, and what its write must find besides the status read. */
  set?: Record<string, unknown>;
  condition?: { expression: string; values: Record<string, unknown> };
  /** More counters than the status counters, decided from the backorder as read. */
  counters?: (before: Backorder) => CounterChanges | undefined;
  /** The outbox row of the messages this change owes, written in the same transaction. */
  owed: (unitsFreed: boolean, before: Backorder) => TransactItem;
}

/**
 * Moves a backorder from one of `from` to `to`, appends the event, and releases the shopper's claim on the
 * SKU when it is no longer active. Throws StatusConflict (with the current state) when the status did not allow
 * it, or the change's own condition failed.
 *
 * The counters depend on the exact status left (waiting or allocated), so the write is conditioned on the
 * status read just before, not merely on `from`: if it moved meanwhile (an allocation), the change is built
 * again from the new status, as long as `from` still allows it.
 */
export const changeStatus = async (
  id: string,
  change: StatusChange,
  options: {
    /** The backorder as the caller just read it: the first pass starts from it (a stale one is read again). */
    seen?: Backorder;
    /** Answer the backorder as written (the read, with the change) instead of reading it back. */
    noReadBack?: boolean;
  } = {},
): Promise<Backorder> => {
  for (let pass = 0; pass < STATUS_PASSES; pass++) {
    const before = pass === 0 && options.seen?.id === id ? options.seen : await getBackorder(id);
    if (!before || !change.from.includes(before.status)) throw new StatusConflict(before);
    const counters = statusChanges(before, before.status, change.to, change.event.at);
    // A cancel while waiting counts against the nurture step each of its sequences sent last.
    if (before.status === 'waiting' && change.to === 'cancelled') {
      counters.merge(cancelledAfterStepsChanges(before, await lastStepsSent(id)));
      // Asked whether to wait after the expected date slipped, and cancelled instead of keeping the place.
      if (askOpen(before)) counters.merge(slipAnswerChanges(before, 'cancelledAfterSlip', change.event.at));
    }
    const more = change.counters?.(before);
    if (more) counters.merge(more);
    const units = change.units?.(before) || 0;
    // Only an active backorder holds the shopper's claim on the SKU: an expired one's may be a new signup's.
    const releaseClaim = ACTIVE_STATUSES.includes(before.status) ? change.releaseClaim : undefined;
    const items = statusChangeItems(
      id,
      before.status,
      { ...change, releaseClaim },
      units ? { sku: before.sku, units } : undefined,
    );
    items.push(change.owed(units > 0, before), ...counterUpdates(counters));
    // Leaving the waiting queue takes the ticket out of the counts; an older backorder's is likely in a sealed book.
    const leaves = before.status === 'waiting' ? queueChange(before, -1) : [];
    const sealedBelow = leaves.length ? (await readSummary(before.sku)).sealedBelow : undefined;
    try {
      await transactWithQueue(items, leaves, sealedBelow);
    } catch (error) {
      if (conditionFailedAt(error, 0)) {
        // The change's own condition, not the status, refused it: no point reading again.
        if (change.condition && (await getBackorder(id))?.status === before.status)
          throw new StatusConflict(before);
        continue;
      }
      // Units to take that are no longer free (the product's item follows the claim's, when there is one).
      if (units < 0 && conditionFailedAt(error, releaseClaim ? 2 : 1)) throw new StatusConflict(before);
      throw error;
    }
    if (options.noReadBack)
      return {
        ...before,
        ...(change.set as Partial<Backorder> | undefined),
        status: change.to,
        updatedAt: change.event.at,
        events: [...before.events, change.event],
      };
    const updated = await getBackorder(id);
    if (!updated) throw new StatusConflict(undefined);
    return updated;
  }
  throw new StatusConflict(await getBackorder(id));
};

const statusChangeItems = (
  id: string,
  seen: BackorderStatus,
  change: StatusChange,
  units: { sku: string; units: number } | undefined,
): TransactItem[] => {
  const set = Object.entries(change.set ?? {});
  const remove = [
    ...(change.to === 'waiting' ? [] : ['waitingKey']),
    // Leaving `allocated` ends the hold: nothing falls due for it any more (lambdas/store/hold-store.ts).
    ...(change.to === 'allocated' ? [] : ['holdBucket', 'holdDueKey']),
  ];
  const items: TransactItem[] = [
    {
      Update: {
        TableName: tableName('backorders'),
        Key: { id },
        ConditionExpression: `#status = :seen${change.condition ? ` AND (${change.condition.expression})` : ''}`,
        UpdateExpression:
          `SET #status = :to, updatedAt = :at, events = list_append(events, :event)` +
          set.map(([name]) => `, #set_${name} = :set_${name}`).join('') +
          (remove.length ? ` REMOVE ${remove.join(', ')}` : ''),
        ExpressionAttributeNames: {
          '#status': 'status',
          ...Object.fromEntries(set.map(([name]) => [`#set_${name}`, name])),
        },
        ExpressionAttributeValues: {
          ':seen': seen,
          ':to': change.to,
          ':at': change.event.at,
          ':event': [change.event],
          ...Object.fromEntries(set.map(([name, value]) => [`:set_${name}`, value])),
          ...change.condition?.values,
        },
      },
    },
  ];
  if (change.releaseClaim) {
    items.push({
      Delete: {
        TableName: tableName('ledger'),
        Key: { key: claimKey(change.releaseClaim.sku, change.releaseClaim.emailKey) },
        ConditionExpression: 'attribute_not_exists(#key) OR backorderId = :id',
        ExpressionAttributeNames: { '#key': 'key' },
        ExpressionAttributeValues: { ':id': id },
      },
    });
  }
  if (units) {
    items.push({
      Update: {
        TableName: tableName('products'),
        Key: { sku: units.sku },
        UpdateExpression: 'ADD stock :units',
        ConditionExpression: units.units > 0 ? 'attribute_exists(sku)' : 'stock >= :needed',
        ExpressionAttributeValues: {
          ':units': units.units,
          ...(units.units > 0 ? {} : { ':needed': -units.units }),
        },
      },
    });
  }
  return items;
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
