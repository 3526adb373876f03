/**
 * The nurture sweeper's claims on what it queued of each due-index shard (lambdas/domain/due-index.ts): one
 * ledger row per shard of an hourly bucket (`sweep#nurture#<bucket>#<shard>`) saying how far into the shard
 * the steps were handed to the nurture queue (`through`, a due key) and until when that stands (`leaseUntil`).
 *
 * One conditional write claims a whole page of due steps, where leasing each step cost a write per step: two
 * sweepers at once read the same row, and only the one whose claim names the row as it read it goes on. A
 * step whose message was lost is still in its shard when the lease ends; the next sweep then reads the shard
 * from its start again and queues what is left.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../runtime/dynamo';
import { tableName } from '../runtime/config';
import { updateIfHolds } from '../runtime/transact';

export interface SweptRange {
  /** The due key of the last step queued from the shard. */
  through: string;
  /** Until when the queued steps wait for their sends before a sweep looks at them again (ms). */
  leaseUntil: number;
}

/** A claim outlives its shard's sweeping by far: a week after the claim, DynamoDB's TTL removes it. */
const KEPT_SECONDS = 7 * 24 * 3600;

const rangeKey = (shard: string) => `sweep#nurture#${shard}`;

export const readSweptRange = async (shard: string): Promise<SweptRange | undefined> => {
  const { Item } = await dynamo.send(
    new GetCommand({ TableName: tableName('ledger'), Key: { key: rangeKey(shard) }, ConsistentRead: true }),
  );
  return typeof Item?.through === 'string' && typeof Item.leaseUntil === 'number'
    ? { through: Item.through, leaseUntil: Item.leaseUntil }
    : undefined;
};

/**
 * Claims the shard's steps up to `through` until `leaseUntil`, if its row is still as this sweeper read it
 * (`seen`: its `through` then, undefined when there was none). Answers whether this sweeper won.
 */
export const claimSweptRange = (
  shard: string,
  seen: string | undefined,
  through: string,
  leaseUntil: number,
  nowMs: number,
): Promise<boolean> =>
  updateIfHolds({
    TableName: tableName('ledger'),
    Key: { key: rangeKey(shard) },
    UpdateExpression: 'SET through = :through, leaseUntil = :lease, expiresAt = :expires',
    ConditionExpression: seen === undefined ? 'attribute_not_exists(through)' : 'through = :seen',
    ExpressionAttributeValues: {
      ':through': through,
      ':lease': leaseUntil,
      ':expires': Math.floor(nowMs / 1000) + KEPT_SECONDS,
      ...(seen === undefined ? {} : { ':seen': seen }),
    },
  });
