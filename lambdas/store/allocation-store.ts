/**
 * Persistence of allocation runs. A run walks one SKU's waiting queue page by page; its state lives on the
 * product item, next to the free stock it spends, so every step is a conditional write on one item:
 *
 * - `runId`, `runPage`, `runLeaseUntil`: the run holding the SKU (one at a time), the last page it finished,
 *   and a lease so a run whose worker died can be taken over.
 * - `rerun`: set by a restock that arrives while a run holds the SKU; the run starts a successor when done,
 *   so no stock change is ever left unallocated.
 * - `reserved`: the page being allocated. Its units are taken off `stock` in the same write that records which
 *   backorders they are for; `settled` marks the page done (units of backorders that left the queue meanwhile
 *   given back). A worker that dies mid-page leaves a reservation the next worker finishes, so units are never
 *   lost and never spent twice.
 */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../runtime/dynamo';
import { tableName } from '../runtime/config';
import { conditionFailedAt, transactWrite, isConditionFailure } from '../runtime/transact';
import { listPartitions } from '../domain/backorder';
import type { CounterChanges } from '../domain/statistics';
import type { WaitingDemand } from '../domain/allocation';
import { mergedPage } from './merged-query';
import { indexReads, queryIndex } from './index-reads';
import { counterUpdates } from './stats-store';
import type { CheckoutSettings } from '../domain/checkout';

export interface Reservation {
  /** `<runId>#<page>`: names the page, and is stamped on every backorder it allocates. */
  ref: string;
  /** The run and page again, as fields a condition can compare (absent on reservations of older versions). */
  run?: string;
  page?: number;
  ids: string[];
  quantities: number[];
  units: number;
  /** Where the next page starts, when there is one. */
  nextCursor?: string;
  settled?: boolean;
}

export interface RunState {
  sku: string;
  name: string;
  stock: number;
  runId?: string;
  runPage?: number;
  runLeaseUntil?: number;
  rerun?: boolean;
  reserved?: Reservation;
  /** The product's own checkout settings: with the site's, how long its allocations are held. */
  checkout?: CheckoutSettings;
}

/** How long a run holds its SKU without progress before another may take over. */
export const RUN_LEASE_MS = 120_000;

const toState = (item: Record<string, unknown>): RunState => ({
  sku: item.sku as string,
  name: (item.name as string | undefined) ?? (item.sku as string),
  stock: Number(item.stock ?? 0),
  runId: item.runId as string | undefined,
  runPage: item.runPage === undefined ? undefined : Number(item.runPage),
  runLeaseUntil: item.runLeaseUntil === undefined ? undefined : Number(item.runLeaseUntil),
  rerun: item.rerun === true,
  reserved: item.reserved as Reservation | undefined,
  checkout: item.checkout as CheckoutSettings | undefined,
});

/** Runs an update; a failed condition answers undefined instead of throwing. */
const conditionalUpdate = async (
  input: Omit<ConstructorParameters<typeof UpdateCommand>[0], 'TableName'>,
): Promise<RunState | undefined> => {
  try {
    const { Attributes } = await dynamo.send(
      new UpdateCommand({ ...input, TableName: tableName('products'), ReturnValues: 'ALL_NEW' }),
    );
    return toState(Attributes ?? {});
  } catch (error) {
    if (isConditionFailure(error)) return undefined;
    throw error;
  }
};

export const readRunState = async (sku: string): Promise<RunState | undefined> => {
  const { Item } = await dynamo.send(
    new GetCommand({ TableName: tableName('products'), Key: { sku }, ConsistentRead: true }),
  );
  return Item ? toState(Item) : undefined;
};

/** Whom a new run takes the SKU from: nobody, a holder whose lease ran out, or the run it succeeds. */
export type Takeover =
  { from: 'nobody' } | { from: 'expired'; holder: string } | { from: 'predecessor'; holder: string };

/** Takes the SKU for a new run; undefined when the situation seen has changed (someone else holds it). */
export const takeRun = (
  sku: string,
  runId: string,
  takeover: Takeover,
  nowMs: number,
): Promise<RunState | undefined> =>
  conditionalUpdate({
    Key: { sku },
    UpdateExpression: 'SET runId = :run, runPage = :none, runLeaseUntil = :lease REMOVE rerun',
    // The situation seen when deciding must still hold: two workers can never both take the SKU.
    ConditionExpression:
      takeover.from === 'nobody'
        ? 'attribute_exists(sku) AND attribute_not_exists(runId)'
        : takeover.from === 'expired'
          ? 'runId = :holder AND runLeaseUntil < :now'
          : 'runId = :holder',
    ExpressionAttributeValues: {
      ':run': runId,
      ':none': -1,
      ':lease': nowMs + RUN_LEASE_MS,
      ...(takeover.from === 'nobody' ? {} : { ':holder': takeover.holder }),
      ...(takeover.from === 'expired' ? { ':now': nowMs } : {}),
    },
  });

/** Asks the run holding the SKU to start over when it is done; undefined when that run no longer holds it. */
export const requestRerun = (sku: string, holder: string, nowMs: number): Promise<RunState | undefined> =>
  conditionalUpdate({
    Key: { sku },
    UpdateExpression: 'SET rerun = :yes',
    ConditionExpression: 'runId = :holder AND runLeaseUntil >= :now',
    ExpressionAttributeValues: { ':yes': true, ':holder': holder, ':now': nowMs },
  });

/** Extends the run's lease; undefined when the run no longer holds the SKU. */
export const renewRun = (sku: string, runId: string, nowMs: number): Promise<RunState | undefined> =>
  conditionalUpdate({
    Key: { sku },
    UpdateExpression: 'SET runLeaseUntil = :lease',
    ConditionExpression: 'runId = :run',
    ExpressionAttributeValues: { ':run': runId, ':lease': nowMs + RUN_LEASE_MS },
  });

/**
 * Takes a page's units off the free stock and records what they are for, in one write. Undefined when the
 * stock no longer covers them (changed meanwhile: plan again) or the run lost the SKU.
 */
export const reserve = (
  sku: string,
  runId: string,
  page: number,
  reservation: Omit<Reservation, 'ref' | 'run' | 'page' | 'settled'>,
): Promise<RunState | undefined> =>
  conditionalUpdate({
    Key: { sku },
    UpdateExpression: 'SET stock = stock - :units, reserved = :reserved',
    // A page is reserved once: two deliveries of its message can both plan it, and the one that comes second
    // planned from a queue read before the first allocated. Letting it reserve again (even after the first
    // settled) would spend units on backorders the first already has, which its conditional writes would
    // then take for its own (same ref). So: no reservation of this page, or of a later page of this run.
    ConditionExpression:
      'runId = :run AND stock >= :units AND (attribute_not_exists(reserved) OR (reserved.settled = :yes ' +
      'AND reserved.#ref <> :ref AND (attribute_not_exists(reserved.#page) OR reserved.#run <> :run ' +
      'OR reserved.#page < :page)))',
    ExpressionAttributeNames: { '#ref': 'ref', '#run': 'run', '#page': 'page' },
    ExpressionAttributeValues: {
      ':run': runId,
      ':units': reservation.units,
      ':ref': pageRef(runId, page),
      ':page': page,
      ':reserved': { ...reservation, ref: pageRef(runId, page), run: runId, page },
      ':yes': true,
    },
  });

/** The reference a run's page stamps on what it allocates. */
export const pageRef = (runId: string, page: number): string => `${runId}#${page}`;

/** Whether the SKU's reservation is this page's, or a later page's of the same run (handled by another worker). */
export const reservedAtOrAfter = (state: RunState, runId: string, page: number): boolean => {
  const reserved = state.reserved;
  if (!reserved) return false;
  if (reserved.ref === pageRef(runId, page)) return true;
  return reserved.run === runId && (reserved.page ?? -1) > page;
};

/**
 * Marks a reservation done, gives back the units of backorders it could not allocate, and moves the product's
 * counters by the backorders it did allocate, in one transaction. Only once per reservation, whoever finishes
 * it; undefined when it was already settled (and so already counted).
 */
export const settle = async (
  sku: string,
  ref: string,
  unitsBack: number,
  counters: CounterChanges,
): Promise<RunState | undefined> => {
  try {
    await transactWrite(() => [
      {
        Update: {
          TableName: tableName('products'),
          Key: { sku },
          UpdateExpression: 'SET stock = stock + :back, reserved.settled = :yes',
          ConditionExpression: 'reserved.#ref = :ref AND attribute_not_exists(reserved.settled)',
          ExpressionAttributeNames: { '#ref': 'ref' },
          ExpressionAttributeValues: { ':ref': ref, ':back': unitsBack, ':yes': true },
        },
      },
      ...counterUpdates(counters),
    ]);
  } catch (error) {
    if (conditionFailedAt(error, 0)) return undefined;
    throw error;
  }
  return readRunState(sku);
};

/** Records that the run finished `page` (its continuation is queued). */
export const finishPage = (sku: string, runId: string, page: number, nowMs: number) =>
  conditionalUpdate({
    Key: { sku },
    UpdateExpression: 'SET runPage = :page, runLeaseUntil = :lease',
    ConditionExpression: 'runId = :run AND runPage < :page',
    ExpressionAttributeValues: { ':run': runId, ':page': page, ':lease': nowMs + RUN_LEASE_MS },
  });

/**
 * Releases the SKU at the end of a run. Fails (undefined) while a rerun is requested: then the run hands the
 * SKU to a successor instead, so a restock that arrived during the run is never forgotten.
 */
export const endRun = (sku: string, runId: string) =>
  conditionalUpdate({
    Key: { sku },
    UpdateExpression: 'REMOVE runId, runPage, runLeaseUntil',
    ConditionExpression: 'runId = :run AND attribute_not_exists(rerun)',
    ExpressionAttributeValues: { ':run': runId },
  });

export interface WaitingPage {
  items: WaitingDemand[];
  cursor?: string;
}

/** One page of a SKU's waiting queue, oldest first (the sparse waitingBySku index, its shards merged). */
export const waitingPage = async (
  sku: string,
  cursor: string | undefined,
  limit: number,
): Promise<WaitingPage> => {
  const partitions = listPartitions(sku);
  const { items, cursor: next } = await mergedPage({
    shards: partitions.map((value) =>
      queryIndex(indexReads.waitingQueue, {
        KeyConditionExpression: 'skuShard = :shard',
        ExpressionAttributeValues: { ':shard': value },
      }),
    ),
    partitions,
    keys: { partition: 'skuShard', sort: 'waitingKey', id: 'id' },
    limit,
    cursor,
  });
  return {
    items: items.map((item) => ({ id: item.id as string, quantity: Number(item.quantity) })),
    cursor: next ?? undefined,
  };
};
