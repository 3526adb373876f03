/**
 * Moving waiting backorders to allocated for a reservation (lambdas/use-cases/allocate-restock.ts). Each
 * backorder's write is conditional on it still waiting and adds the hash of the email link its restock alert
 * will carry. A page's writes go together, up to 100 in one transaction, then the allocated backorders are read
 * back in one request; when the transaction is refused (a backorder cancelled meanwhile, one allocated by an
 * earlier try of this page) each is written on its own, as before, to learn which.
 */
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../runtime/dynamo';
import { tableName } from '../runtime/config';
import { isConditionFailure } from '../runtime/transact';
import { mapWithLimit } from '../runtime/concurrency';
import type { Backorder } from '../domain/backorder';
import { readByKeys } from './batch-read';
import { dropOrderHold, startingHold } from './hold-store';

export type AllocationOutcome =
  | { outcome: 'allocated'; backorder: Backorder }
  /** Allocated by this same reservation earlier (a retried page): the alert may still be owed. */
  | { outcome: 'ours-already'; backorder: Backorder }
  | { outcome: 'gone' };

/** One backorder to allocate, with the hash of the link its alert will carry. */
export interface ToAllocate {
  id: string;
  statusTokenHash: string;
}

/**
 * The write that allocates one waiting backorder (without what it returns); the restock bench's floor makes
 * the same write.
 */
export const allocationUpdate = (
  { id, statusTokenHash }: ToAllocate,
  ref: string,
  at: string,
  holdMs: number | undefined,
) => {
  const hold = holdMs === undefined ? {} : startingHold(id, Date.parse(at), holdMs);
  return {
    TableName: tableName('backorders'),
    Key: { id },
    UpdateExpression:
      'SET #status = :allocated, updatedAt = :at, allocatedAt = :at, allocationRef = :ref, ' +
      'events = list_append(events, :event), ' +
      'emailTokenHashes = list_append(if_not_exists(emailTokenHashes, :none), :hash)' +
      Object.keys(hold)
        .map((name) => `, ${name} = :${name}`)
        .join('') +
      ' REMOVE waitingKey',
    ConditionExpression: '#status = :waiting',
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: {
      ':allocated': 'allocated',
      ':waiting': 'waiting',
      ':at': at,
      ':ref': ref,
      ':event': [{ at, type: 'allocated', by: 'system' }],
      ':hash': [statusTokenHash],
      ':none': [],
      ...Object.fromEntries(Object.entries(hold).map(([name, value]) => [`:${name}`, value])),
    },
  };
};

/**
 * A paid order is never held (the queue's index projects no kind, so the allocating write cannot tell): its
 * hold goes again at once, and the expiry's own condition never applies to an order meanwhile.
 */
const allocated = async (
  item: Record<string, unknown>,
  holdMs: number | undefined,
): Promise<AllocationOutcome> =>
  holdMs !== undefined && item.kind === 'order'
    ? { outcome: 'allocated', backorder: withoutIndexKeys(await dropOrderHold(String(item.id))) }
    : { outcome: 'allocated', backorder: withoutIndexKeys(item) };

/**
 * Moves one backorder from waiting to allocated for a reservation, in one conditional write that also adds
 * the hash of the email link its restock alert will carry. A backorder cancelled (or fulfilled) meanwhile
 * stays as it is: its units go back.
 */
export const allocateBackorder = async (
  id: string,
  ref: string,
  statusTokenHash: string,
  at: string,
  /** How long a reservation's units are held for the shopper to order; undefined: until fulfilled or cancelled. */
  holdMs?: number,
): Promise<AllocationOutcome> => {
  try {
    const { Attributes } = await dynamo.send(
      new UpdateCommand({
        ...allocationUpdate({ id, statusTokenHash }, ref, at, holdMs),
        ReturnValues: 'ALL_NEW',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return allocated(Attributes ?? {}, holdMs);
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    const old = (error as ConditionalCheckFailedException).Item as Record<string, unknown> | undefined;
    // The low-level item comes back in attribute-value form; only its reference decides.
    const raw = old?.allocationRef as string | { S?: string } | undefined;
    const oldRef = typeof raw === 'string' ? raw : raw?.S;
    if (oldRef !== ref) return { outcome: 'gone' };
    const { Item } = await dynamo.send(
      new GetCommand({ TableName: tableName('backorders'), Key: { id }, ConsistentRead: true }),
    );
    return Item ? { outcome: 'ours-already', backorder: withoutIndexKeys(Item) } : { outcome: 'gone' };
  }
};

const TOGETHER = 100;
/** Single writes in flight at once, when a page's transaction was refused. */
const PARALLEL_WRITES = 32;

/**
 * Allocates a page's backorders (distinct ids), in its order: 100 at a time in one transaction and one read
 * back, or one by one (allocateBackorder) for a chunk whose transaction was refused.
 */
export const allocateBackorders = async (
  backorders: readonly ToAllocate[],
  ref: string,
  at: string,
  holdMs?: number,
): Promise<AllocationOutcome[]> => {
  const outcomes: AllocationOutcome[] = [];
  for (let start = 0; start < backorders.length; start += TOGETHER) {
    const chunk = backorders.slice(start, start + TOGETHER);
    try {
      await dynamo.send(
        new TransactWriteCommand({
          TransactItems: chunk.map((backorder) => ({ Update: allocationUpdate(backorder, ref, at, holdMs) })),
        }),
      );
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      outcomes.push(
        ...(await mapWithLimit(chunk, PARALLEL_WRITES, (b) =>
          allocateBackorder(b.id, ref, b.statusTokenHash, at, holdMs),
        )),
      );
      continue;
    }
    const table = tableName('backorders');
    const items = new Map(
      (await readByKeys({ [table]: chunk.map(({ id }) => ({ id })) }))[table].map((item) => [item.id, item]),
    );
    outcomes.push(
      ...(await Promise.all(
        chunk.map((b): Promise<AllocationOutcome> => {
          const item = items.get(b.id);
          // Written a moment ago: gone only if erased in between, and then its unit goes back.
          return item ? allocated(item, holdMs) : Promise.resolve({ outcome: 'gone' });
        }),
      )),
    );
  }
  return outcomes;
};

const withoutIndexKeys = (item: Record<string, unknown>): Backorder => {
  const {
    waitingKey: _w,
    skuShard: _s,
    listPartition: _l,
    allocationRef: _r,
    holdBucket: _b,
    holdDueKey: _k,
    ...backorder
  } = item;
  return backorder as unknown as Backorder;
};
