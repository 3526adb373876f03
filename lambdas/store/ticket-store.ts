/**
 * Issuing tickets: each signup's place in line on its product, from blocks leased off the product's counter
 * by one of SHARDS shard rows, so a drop's signups write many keys instead of one (lambdas/domain/queue-tickets.ts).
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../runtime/dynamo';
import { BLOCK_FRESH_MS, bookOf, nextBlockSize, SHARDS } from '../domain/queue-tickets';
import { queueTable, shardKey, ticketsKey } from './queue-rows';
import { isConditionFailure } from '../runtime/transact';

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
 * Issues a ticket for a signup on `sku`: from a random shard's fresh block when it has room (one write), else
 * from a new block leased off the SKU's counter. Every ticket is issued once; a block leased but not used up
 * within BLOCK_FRESH_MS is abandoned (its numbers are never anyone's: gaps count for nothing).
 */
export const issueTicket = async (sku: string, nowMs = Date.now()): Promise<IssuedTicket> => {
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
    const { Attributes } = await dynamo.send(
      new UpdateCommand({
        TableName: queueTable(),
        Key: { key: ticketsKey(sku) },
        UpdateExpression: 'ADD #next :size',
        ExpressionAttributeNames: { '#next': 'next' },
        ExpressionAttributeValues: { ':size': size },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    const start = Number(Attributes?.next) - size;
    // The block reaches into a book no earlier ticket was in: the books before it are closing.
    const last = bookOf(start + size - 1);
    const crossedIntoBook = last > bookOf(start - 1) ? last : undefined;
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
