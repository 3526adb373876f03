/**
 * The "next step due" index: each pending nurture step sits in a one-minute bucket, spread over a few write
 * shards so a minute in which 10 000 steps fall due is not one hot partition. The sweeper reads every shard
 * of every minute from its watermark up to now, so a minute is never skipped, however late it runs.
 */
import { createHash } from 'node:crypto';

export const DUE_SHARDS = 8;
const MINUTE_MS = 60_000;

export const minuteOf = (ms: number): number => Math.floor(ms / MINUTE_MS) * MINUTE_MS;

const minuteLabel = (minuteMs: number): string => new Date(minuteMs).toISOString().slice(0, 16);

export const shardOf = (backorderId: string): number =>
  createHash('sha256').update(backorderId).digest().readUInt32BE(0) % DUE_SHARDS;

/** Partition key of the bucket holding a step due at `dueMs` for this backorder. */
export const dueBucket = (dueMs: number, backorderId: string): string =>
  `${minuteLabel(minuteOf(dueMs))}#${shardOf(backorderId)}`;

/** Sort key inside a bucket: due time first, so "due by now" is a key range. */
export const dueKey = (dueMs: number, backorderId: string, campaignId: string): string =>
  `${new Date(dueMs).toISOString()}#${backorderId}#${campaignId}`;

/** Upper bound of the sort keys due at or before `nowMs`. */
export const dueKeyCeiling = (nowMs: number): string => `${new Date(nowMs).toISOString()}#~`;

/** Every bucket of the minutes from `fromMinuteMs` to `toMinuteMs` inclusive, oldest first. */
export const bucketsBetween = (fromMinuteMs: number, toMinuteMs: number): string[] => {
  const buckets: string[] = [];
  for (let minute = minuteOf(fromMinuteMs); minute <= toMinuteMs; minute += MINUTE_MS) {
    for (let shard = 0; shard < DUE_SHARDS; shard++) buckets.push(`${minuteLabel(minute)}#${shard}`);
  }
  return buckets;
};
