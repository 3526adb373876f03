/**
 * Issuing tickets: each signup's place in line on its product, straight off the product's counter while it
 * is quiet (one write), from blocks leased off the counter by one of SHARDS shard rows while it is in a drop,
 * so the drop's signups write many keys instead of one (lambdas/domain/queue-tickets.ts).
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../runtime/dynamo';
import {
  BLOCK_FRESH_MS,
  bookOpenedBy,
  continuesBurst,
  HOT_BLOCK,
  HOT_FOR_MS,
  issuesDirectly,
  nextBlockSize,
  SHARDS,
  showsDrop,
  type TicketCounter,
} from '../domain/queue-tickets';
import { queueTable, shardKey, ticketsKey, toTicketCounter } from './queue-rows';
import { isConditionFailure } from '../runtime/transact';
import { logger } from '../runtime/logger';

export interface IssuedTicket {
  ticket: number;
  /** Set when this ticket's block began a new book: the books below it may now be sealed. */
  crossedIntoBook?: number;
}

/** Tries for a ticket before the signup is answered 503 (the shopper's retry then finds a calmer moment). */
const ATTEMPTS = 12;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Every try lost its race to another signup on the same product: transient (lambdas/runtime/transient-failure.ts
 * answers it 503 with Retry-After), never a 500, and nothing was written but abandoned numbers.
 */
export class TicketContention extends Error {
  override readonly name = 'TicketContention';

  constructor(sku: string) {
    super(`No ticket for ${sku}: its shards kept changing`);
  }
}

interface ShardBlock {
  start: number;
  size: number;
  used: number;
  claimedAt: number;
  version: number;
}

/**
 * Issues a ticket for a signup on `sku`, given its counter row as read with the product (`{}` when there is
 * none yet): straight off the counter while the product is quiet, else from a shard's block.
 */
export const issueTicket = async (
  sku: string,
  counter: TicketCounter,
  nowMs = Date.now(),
): Promise<IssuedTicket> =>
  issuesDirectly(counter, nowMs) ? issueDirectly(sku, counter, nowMs) : issueFromShard(sku, nowMs);

/**
 * One write: the counter moves on by one, and keeps when it did and how long the burst of direct tickets
 * is (counted on from the counter as read; a stale read only starts a burst anew). The counter as it was
 * just before says whether this is a drop: then the product goes hot, and the next signups use the shards.
 */
const issueDirectly = async (sku: string, read: TicketCounter, nowMs: number): Promise<IssuedTicket> => {
  const { Attributes } = await dynamo.send(
    new UpdateCommand({
      TableName: queueTable(),
      Key: { key: ticketsKey(sku) },
      UpdateExpression: continuesBurst(read, nowMs)
        ? 'ADD #next :one, burst :one SET directAt = :now'
        : 'ADD #next :one SET directAt = :now, burst = :one',
      ExpressionAttributeNames: { '#next': 'next' },
      ExpressionAttributeValues: { ':one': 1, ':now': nowMs },
      ReturnValues: 'ALL_OLD',
    }),
  );
  const before = toTicketCounter(Attributes);
  const ticket = before.next ?? 0;
  if (showsDrop(before, nowMs)) {
    // Not worth failing the signup for: the next direct ticket of the burst tries again.
    await markHot(sku, nowMs).catch((error: unknown) =>
      logger.warn('product not marked hot for its drop', { sku, error: String(error) }),
    );
  }
  return { ticket, crossedIntoBook: bookOpenedBy(ticket, 1) };
};

const markHot = (sku: string, nowMs: number) =>
  dynamo.send(
    new UpdateCommand({
      TableName: queueTable(),
      Key: { key: ticketsKey(sku) },
      UpdateExpression: 'SET hotUntil = :until',
      ExpressionAttributeValues: { ':until': nowMs + HOT_FOR_MS },
    }),
  );

/**
 * From a random shard's fresh block when it has room (one write), else from a new block leased off the SKU's
 * counter. Every ticket is issued once; a block leased but not used up within BLOCK_FRESH_MS is abandoned
 * (its numbers are never anyone's: gaps count for nothing).
 */
const issueFromShard = async (sku: string, nowMs: number): Promise<IssuedTicket> => {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    // After a lost race, a short random pause: the contenders of a drop spread out instead of meeting again.
    if (attempt > 0) await sleep(5 * attempt * (0.5 + Math.random()));
    const shard = Math.floor(Math.random() * SHARDS);
    let previous: ShardBlock | undefined;
    try {
      const { Attributes } = await dynamo.send(
        new UpdateCommand({
          TableName: queueTable(),
          Key: { key: shardKey(sku, shard) },
          UpdateExpression: 'SET used = used + :one',
          ConditionExpression: 'used < size AND claimedAt >= :fresh',
          ExpressionAttributeValues: { ':one': 1, ':fresh': nowMs - BLOCK_FRESH_MS },
          ReturnValues: 'ALL_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      const block = Attributes as ShardBlock;
      return { ticket: block.start + block.used - 1 };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const old = (error as { Item?: Record<string, { N?: string }> }).Item;
      previous = old?.start
        ? {
            start: Number(old.start.N),
            size: Number(old.size?.N),
            used: Number(old.used?.N),
            claimedAt: Number(old.claimedAt?.N),
            version: Number(old.version?.N ?? 0),
          }
        : undefined;
    }
    const size = nextBlockSize(previous, nowMs);
    // A busy block keeps the product hot while the drop goes on; a calm one lets it cool down.
    const busy = size >= HOT_BLOCK;
    const { Attributes } = await dynamo.send(
      new UpdateCommand({
        TableName: queueTable(),
        Key: { key: ticketsKey(sku) },
        UpdateExpression: busy ? 'ADD #next :size SET hotUntil = :until' : 'ADD #next :size',
        ExpressionAttributeNames: { '#next': 'next' },
        ExpressionAttributeValues: { ':size': size, ...(busy ? { ':until': nowMs + HOT_FOR_MS } : {}) },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    const start = Number(Attributes?.next) - size;
    // The block reaches into a book no earlier ticket was in: the books before it are closing.
    const crossedIntoBook = bookOpenedBy(start, size);
    // Kept on the shard even when used up at once: the next signup here sees how fast blocks fill.
    try {
      await dynamo.send(
        new UpdateCommand({
          TableName: queueTable(),
          Key: { key: shardKey(sku, shard) },
          UpdateExpression:
            'SET #start = :start, size = :size, used = :one, claimedAt = :now, version = :version',
          ConditionExpression: previous
            ? 'version = :seen'
            : 'attribute_not_exists(#start) OR claimedAt < :fresh',
          ExpressionAttributeNames: { '#start': 'start' },
          ExpressionAttributeValues: {
            ':start': start,
            ':size': size,
            ':one': 1,
            ':now': nowMs,
            ':version': (previous?.version ?? 0) + 1,
            ...(previous ? { ':seen': previous.version } : { ':fresh': nowMs - BLOCK_FRESH_MS }),
          },
        }),
      );
      return { ticket: start, crossedIntoBook };
    } catch (error) {
      // Another signup renewed this shard first: this block is abandoned (a gap), try again.
      if (!isConditionFailure(error)) throw error;
    }
  }
  throw new TicketContention(sku);
};

// ---- changes of waiting ----------------------------------------------------------------------------------
