/**
 * A product's expected-date announcements, on its own item (lambdas/domain/eta.ts says what each state is):
 * `etaRev`, `etaVersion`, `etaWindow`, `etaFanout`, `etaHistory`, and `etaBucket`/`etaDueKey`, the sparse
 * `etaDue` index of what falls due next for the product (a window's end, or a fan-out's lease end).
 *
 * The window is written by the product save itself (one item, one write: nothing can change the date without
 * the window knowing), conditioned on `etaRev` as read; so is every write that opens, closes or ends
 * something, so of a save and a sweeper racing, one reads again. A fan-out's pages are conditioned on its
 * lease instead, so a marketer's save during a long fan-out does not stop it.
 */
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../runtime/dynamo';
import { tableName } from '../runtime/config';
import { cancelledBecause, transactWrite, updateIfHolds, type TransactItem } from '../runtime/transact';
import { dueBucket, dueKeyCeiling } from '../domain/due-index';
import { historyWith, type EtaFanout, type EtaSave, type EtaState, type EtaWindow } from '../domain/eta';
import { indexReads, queryIndex } from './index-reads';

/** The index keys of work falling due for a product at `dueMs`. */
const etaIndexKeys = (dueMs: number, sku: string) => ({
  etaBucket: dueBucket(dueMs, sku),
  etaDueKey: `${new Date(dueMs).toISOString()}#${sku}`,
});

/** A product's item as the sweeper reads it. */
export interface EtaItem extends EtaState {
  sku: string;
  name: string;
  etaDueKey?: string;
}

export const readEtaItem = async (sku: string): Promise<EtaItem | undefined> => {
  const { Item } = await dynamo.send(
    new GetCommand({
      TableName: tableName('products'),
      Key: { sku },
      ConsistentRead: true,
      ProjectionExpression:
        'sku, #name, expectedRestockDate, etaRev, etaVersion, etaWindow, etaFanout, etaHistory, etaDueKey',
      ExpressionAttributeNames: { '#name': 'name' },
    }),
  );
  return Item as EtaItem | undefined;
};

/** The condition that the item's `etaRev` is as read, with its placeholder. */
const revAsRead = (rev: number | undefined) =>
  rev === undefined
    ? { expression: 'attribute_not_exists(etaRev)', values: {} }
    : { expression: 'etaRev = :seenRev', values: { ':seenRev': rev } };

/**
 * What a product save adds to its own update for its date: the next `etaRev` (every save moves it, so a save
 * made from a stale read fails), the window it opens with its index entry, and the condition that `etaRev`
 * is as read.
 */
export const etaSaveParts = (sku: string, save: EtaSave, seenRev: number | undefined) => {
  const set: Record<string, unknown> = { etaRev: (seenRev ?? 0) + 1 };
  if (save.kind === 'open') {
    set.etaWindow = save.window;
    set.etaVersion = save.window.version;
    if (save.dueAt) Object.assign(set, etaIndexKeys(Date.parse(save.dueAt), sku));
  }
  return { set, condition: revAsRead(seenRev) };
};

export interface DueEta {
  sku: string;
  /** The index sort key as read: taking the work over is conditioned on it. */
  etaDueKey: string;
}

/** One page of a bucket shard's products with something due by now. */
export const dueEtas = async (
  bucket: string,
  nowMs: number,
  start?: Record<string, unknown>,
): Promise<{ entries: DueEta[]; next?: Record<string, unknown> }> => {
  const { Items = [], LastEvaluatedKey } = await dynamo.send(
    new QueryCommand(
      queryIndex(indexReads.dueEtas, {
        KeyConditionExpression: 'etaBucket = :bucket AND etaDueKey <= :ceiling',
        ExpressionAttributeValues: { ':bucket': bucket, ':ceiling': dueKeyCeiling(nowMs) },
        ExclusiveStartKey: start,
        Limit: 100,
      }),
    ),
  );
  return {
    entries: Items.map((item) => ({ sku: String(item.sku), etaDueKey: String(item.etaDueKey) })),
    next: LastEvaluatedKey,
  };
};

const update = (
  sku: string,
  expression: string,
  condition: { expression: string; values: Record<string, unknown> },
  values: Record<string, unknown> = {},
) =>
  updateIfHolds({
    TableName: tableName('products'),
    Key: { sku },
    UpdateExpression: expression,
    ConditionExpression: condition.expression,
    ExpressionAttributeValues: { ...values, ...condition.values },
    // `cursor` is one of DynamoDB's reserved words.
    ...(expression.includes('#cursor') ? { ExpressionAttributeNames: { '#cursor': 'cursor' } } : {}),
  });

/** The window ended with the date back where it was: nothing to announce; the window and its entry go. */
export const dropWindow = (item: EtaItem): Promise<boolean> =>
  update(item.sku, 'SET etaRev = :rev REMOVE etaWindow, etaBucket, etaDueKey', revAsRead(item.etaRev), {
    ':rev': (item.etaRev ?? 0) + 1,
  });

/** An entry that no longer stands for anything (its work was done by another write): removed. */
export const dropStaleEntry = (item: EtaItem): Promise<boolean> =>
  update(item.sku, 'SET etaRev = :rev REMOVE etaBucket, etaDueKey', revAsRead(item.etaRev), {
    ':rev': (item.etaRev ?? 0) + 1,
  });

/**
 * Announces the window's date: the history gains it and the fan-out starts, leased to the caller (its entry
 * moves to the lease's end), in one transaction with `alongside` (the counter, the outbox row owing the
 * shop's event). False when the item changed since it was read (a save joined the window, or another
 * sweeper was first).
 */
export const announce = async (
  item: EtaItem & { etaWindow: EtaWindow },
  fanout: EtaFanout,
  alongside: TransactItem[],
): Promise<boolean> => {
  const condition = revAsRead(item.etaRev);
  try {
    await transactWrite(() => [
      {
        Update: {
          TableName: tableName('products'),
          Key: { sku: item.sku },
          UpdateExpression:
            'SET etaRev = :rev, etaFanout = :fanout, etaHistory = :history, etaBucket = :bucket, ' +
            'etaDueKey = :dueKey REMOVE etaWindow',
          ConditionExpression: condition.expression,
          ExpressionAttributeValues: {
            ':rev': (item.etaRev ?? 0) + 1,
            ':fanout': fanout,
            ':history': historyWith(item.etaHistory, fanout.date, fanout.startedAt),
            ...renamed(etaIndexKeys(Date.parse(fanout.leaseUntil), item.sku)),
            ...condition.values,
          },
        },
      },
      ...alongside,
    ]);
    return true;
  } catch (error) {
    if (cancelledBecause(error, 'ConditionalCheckFailed')) return false;
    throw error;
  }
};

const renamed = (keys: { etaBucket: string; etaDueKey: string }) => ({
  ':bucket': keys.etaBucket,
  ':dueKey': keys.etaDueKey,
});

/** Takes over a fan-out whose lease ended (its sweeper died or ran out of time), if nobody else did. */
export const takeOverFanout = (
  sku: string,
  seenDueKey: string,
  leaseId: string,
  leaseUntilMs: number,
): Promise<boolean> =>
  update(
    sku,
    'SET etaFanout.leaseId = :lease, etaFanout.leaseUntil = :until, etaBucket = :bucket, etaDueKey = :dueKey',
    {
      expression: 'etaDueKey = :seenDueKey AND attribute_exists(etaFanout)',
      values: { ':seenDueKey': seenDueKey },
    },
    {
      ':lease': leaseId,
      ':until': new Date(leaseUntilMs).toISOString(),
      ...renamed(etaIndexKeys(leaseUntilMs, sku)),
    },
  );

/**
 * A page was queued: the fan-out goes on from `cursor`, its lease renewed (or handed back at once with
 * `leaseUntilMs` = now, when this sweeper stops for time). False: the lease is not the caller's any more.
 */
export const advanceFanout = (
  sku: string,
  leaseId: string,
  progress: { cursor?: string; queued: number },
  leaseUntilMs: number,
): Promise<boolean> =>
  update(
    sku,
    'SET etaFanout.queued = :queued, etaFanout.leaseUntil = :until, etaBucket = :bucket, etaDueKey = :dueKey' +
      (progress.cursor ? ', etaFanout.#cursor = :cursor' : ''),
    { expression: 'etaFanout.leaseId = :lease', values: { ':lease': leaseId } },
    {
      ':queued': progress.queued,
      ':until': new Date(leaseUntilMs).toISOString(),
      ...(progress.cursor ? { ':cursor': progress.cursor } : {}),
      ...renamed(etaIndexKeys(leaseUntilMs, sku)),
    },
  );

/**
 * The fan-out queued its last page: it ends, and the item's entry moves to the window opened meanwhile (a
 * change during the fan-out: due at its end, or now if that passed), or goes. False when the lease is not the
 * caller's or the item changed since `item` was read (then read again).
 */
export const finishFanout = (item: EtaItem, leaseId: string, nowMs: number): Promise<boolean> => {
  const rev = revAsRead(item.etaRev);
  const condition = {
    expression: `etaFanout.leaseId = :lease AND ${rev.expression}`,
    values: { ':lease': leaseId, ...rev.values },
  };
  const next = { ':rev': (item.etaRev ?? 0) + 1 };
  return item.etaWindow
    ? update(
        item.sku,
        'SET etaRev = :rev, etaBucket = :bucket, etaDueKey = :dueKey REMOVE etaFanout',
        condition,
        {
          ...next,
          // Not before now: a window that ended during a long fan-out must land in a bucket still to be swept.
          ...renamed(etaIndexKeys(Math.max(Date.parse(item.etaWindow.until), nowMs), item.sku)),
        },
      )
    : update(item.sku, 'SET etaRev = :rev REMOVE etaFanout, etaBucket, etaDueKey', condition, next);
};
