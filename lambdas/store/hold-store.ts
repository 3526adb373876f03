/**
 * Holds on allocated reservations: the units are the shopper's until `holdUntil`; one reminder falls due when
 * a quarter of the hold is left, then the expiry at its end. Owns, on `backorders` rows, `holdUntil`,
 * `holdBucket` and `holdDueKey` (the sparse `holdsDue` index), `remindedAt`, `holdExtendedAt` and
 * `checkoutClickedAt`. The allocation writes the first hold with the backorder's own allocation
 * (allocation-store.ts, from `startingHold`), and the status change that ends a hold removes its index keys
 * (backorder-store.ts).
 *
 * The index works like the nurture steps' (lambdas/domain/due-index.ts): hourly buckets in shards, the sort key
 * `<due ISO>#<id>#<phase>`. A sweeper leases an entry by moving it later, conditioned on the key it read, so of
 * concurrent sweepers one queues it; an entry whose message was lost comes back when its lease ends.
 */
import { QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../runtime/dynamo';
import { tableName } from '../runtime/config';
import { updateIfHolds } from '../runtime/transact';
import { dueBucket, dueKeyCeiling } from '../domain/due-index';
import { reminderDueMs } from '../domain/hold-time';
import type { CounterChanges } from '../domain/statistics';
import { markOnce } from './once-mark';
import { indexReads, queryIndex } from './index-reads';

export type HoldPhase = 'remind' | 'expire';

export interface DueHold {
  backorderId: string;
  phase: HoldPhase;
  dueMs: number;
  /** The index sort key as read: the lease and the step after it are conditioned on it. */
  holdDueKey: string;
}

const holdDueKey = (dueMs: number, backorderId: string, phase: HoldPhase): string =>
  `${new Date(dueMs).toISOString()}#${backorderId}#${phase}`;

/** The index keys of what falls due next for a hold. */
export const holdIndexKeys = (dueMs: number, backorderId: string, phase: HoldPhase) => ({
  holdBucket: dueBucket(dueMs, backorderId),
  holdDueKey: holdDueKey(dueMs, backorderId, phase),
});

/** What an allocation stores for a reservation's new hold: its end, and the reminder due first. */
export const startingHold = (backorderId: string, allocatedAtMs: number, holdMs: number) => {
  const holdUntilMs = allocatedAtMs + holdMs;
  return {
    holdUntil: new Date(holdUntilMs).toISOString(),
    ...holdIndexKeys(reminderDueMs(allocatedAtMs, holdUntilMs), backorderId, 'remind'),
  };
};

export const parseHoldDueKey = (key: string): DueHold | undefined => {
  const match = /^(.+)#([0-9A-HJKMNP-TV-Z]{26})#(remind|expire)$/.exec(key);
  if (!match) return undefined;
  return {
    dueMs: Date.parse(match[1]),
    backorderId: match[2],
    phase: match[3] as HoldPhase,
    holdDueKey: key,
  };
};

/** One page of a bucket shard's holds due by now, oldest first. */
export const dueHolds = async (
  bucket: string,
  nowMs: number,
  start?: Record<string, unknown>,
): Promise<{ entries: DueHold[]; next?: Record<string, unknown> }> => {
  const { Items = [], LastEvaluatedKey } = await dynamo.send(
    new QueryCommand(
      queryIndex(indexReads.dueHolds, {
        KeyConditionExpression: 'holdBucket = :bucket AND holdDueKey <= :ceiling',
        ExpressionAttributeValues: { ':bucket': bucket, ':ceiling': dueKeyCeiling(nowMs) },
        ExclusiveStartKey: start,
        Limit: 500,
      }),
    ),
  );
  return {
    entries: Items.flatMap((item) => parseHoldDueKey(String(item.holdDueKey)) ?? []),
    next: LastEvaluatedKey,
  };
};

/**
 * Claims a due hold for its message: moves the entry to `leaseUntilMs` (same phase) if it is still as read
 * and the backorder still allocated, and answers the leased entry's key. Undefined when another sweeper won,
 * or the hold ended meanwhile (such an entry is then dropped from the index: `dropHoldEntry`).
 */
export const leaseHold = async (entry: DueHold, leaseUntilMs: number): Promise<string | undefined> => {
  const lease = holdIndexKeys(leaseUntilMs, entry.backorderId, entry.phase);
  const leased = await updateIfHolds({
    TableName: tableName('backorders'),
    Key: { id: entry.backorderId },
    UpdateExpression: 'SET holdBucket = :bucket, holdDueKey = :key',
    ConditionExpression: 'holdDueKey = :seen AND #status = :allocated',
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: {
      ':bucket': lease.holdBucket,
      ':key': lease.holdDueKey,
      ':seen': entry.holdDueKey,
      ':allocated': 'allocated',
    },
  });
  return leased ? lease.holdDueKey : undefined;
};

/**
 * A paid order never has a hold: the allocation's write cannot tell an order from a reservation (the queue's
 * index projects no kind), so it removes the hold again here, and the keeper does if that write was lost.
 * Answers the backorder's row as it is afterwards.
 */
export const dropOrderHold = async (id: string): Promise<Record<string, unknown>> => {
  const { Attributes } = await dynamo.send(
    new UpdateCommand({
      TableName: tableName('backorders'),
      Key: { id },
      UpdateExpression: 'REMOVE holdUntil, holdBucket, holdDueKey',
      ConditionExpression: 'kind = :order',
      ExpressionAttributeValues: { ':order': 'order' },
      ReturnValues: 'ALL_NEW',
    }),
  );
  return Attributes ?? {};
};

/** An index entry left on a backorder no longer allocated: removed, if still as read. */
export const dropHoldEntry = (entry: DueHold): Promise<boolean> =>
  updateIfHolds({
    TableName: tableName('backorders'),
    Key: { id: entry.backorderId },
    UpdateExpression: 'REMOVE holdBucket, holdDueKey',
    ConditionExpression: 'holdDueKey = :seen AND #status <> :allocated',
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: { ':seen': entry.holdDueKey, ':allocated': 'allocated' },
  });

/**
 * The reminder is queued: recorded once (`remindedAt`), and the entry moves on to the expiry at `holdUntil`.
 * Conditioned on the leased entry, so a redelivered message does nothing the second time.
 */
export const markReminded = (
  backorderId: string,
  leasedKey: string,
  holdUntilMs: number,
  at: string,
): Promise<boolean> => {
  const next = holdIndexKeys(holdUntilMs, backorderId, 'expire');
  return updateIfHolds({
    TableName: tableName('backorders'),
    Key: { id: backorderId },
    UpdateExpression:
      'SET remindedAt = :at, updatedAt = :at, holdBucket = :bucket, holdDueKey = :key, ' +
      'events = list_append(events, :event)',
    ConditionExpression: 'holdDueKey = :leased AND #status = :allocated AND attribute_not_exists(remindedAt)',
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: {
      ':at': at,
      ':bucket': next.holdBucket,
      ':key': next.holdDueKey,
      ':event': [{ at, type: 'reminded', by: 'system' }],
      ':leased': leasedKey,
      ':allocated': 'allocated',
    },
  });
};

/**
 * Extends a hold, once: a new end, and the index entry of what falls due next under it (the reminder again
 * if it has not gone out, else the expiry). Conditioned on the hold as read, so it races an expiry or another
 * extension safely: false when it lost.
 */
export const extendHold = (
  backorder: { id: string; allocatedAt: string; holdUntil: string; remindedAt?: string },
  byMs: number,
  at: string,
  by: string,
): Promise<boolean> => {
  const untilMs = Date.parse(backorder.holdUntil) + byMs;
  const next = backorder.remindedAt
    ? holdIndexKeys(untilMs, backorder.id, 'expire')
    : holdIndexKeys(reminderDueMs(Date.parse(backorder.allocatedAt), untilMs), backorder.id, 'remind');
  return updateIfHolds({
    TableName: tableName('backorders'),
    Key: { id: backorder.id },
    UpdateExpression:
      'SET holdUntil = :until, holdExtendedAt = :at, holdBucket = :bucket, holdDueKey = :key, ' +
      'updatedAt = :at, events = list_append(events, :event)',
    ConditionExpression:
      '#status = :allocated AND holdUntil = :seen AND attribute_not_exists(holdExtendedAt) AND ' +
      'attribute_not_exists(erasingAt)',
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: {
      ':until': new Date(untilMs).toISOString(),
      ':at': at,
      ':bucket': next.holdBucket,
      ':key': next.holdDueKey,
      ':event': [{ at, type: 'hold_extended', by }],
      ':seen': backorder.holdUntil,
      ':allocated': 'allocated',
    },
  });
};

/**
 * The shopper's first click on "complete your order": recorded on the backorder and counted, in one
 * transaction conditioned on no click before, so a click counts once whatever is clicked or retried.
 */
export const recordCheckoutClick = (
  backorderId: string,
  at: string,
  counters: CounterChanges,
): Promise<boolean> =>
  markOnce(
    backorderId,
    {
      set: { checkoutClickedAt: at },
      event: { at, type: 'checkout_clicked', by: 'shopper' },
      condition: 'attribute_not_exists(checkoutClickedAt) AND #status = :allocated',
      values: { ':allocated': 'allocated' },
    },
    counters,
  );
