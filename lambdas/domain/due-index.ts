/**
 * The "next step due" index: each pending nurture step sits in an hourly bucket, spread over write shards
 * so an hour in which 100 000 steps fall due is not one hot partition. Inside a bucket entries sort by due
 * time, so "due by now" is one key range. The sweeper reads every shard of every hour from its watermark up
 * to now: a late scheduler catches up instead of skipping, and a week-long outage is 168 hours to read,
 * not 10 080 minutes.
 */
import { shardOf } from './shards';

export const DUE_SHARDS = 8;
export const BUCKET_MS = 3_600_000;

export const bucketStart = (ms: number): number => Math.floor(ms / BUCKET_MS) * BUCKET_MS;

const bucketLabel = (startMs: number): string => new Date(startMs).toISOString().slice(0, 13);

const dueShardOf = (backorderId: string): number => shardOf(backorderId, DUE_SHARDS);

/** Partition key of the bucket holding a step due at `dueMs` for this backorder. */
export const dueBucket = (dueMs: number, backorderId: string): string =>
  `${bucketLabel(bucketStart(dueMs))}#${dueShardOf(backorderId)}`;

/** Sort key inside a bucket: due time first, so "due by now" is a key range. */
export const dueKey = (dueMs: number, backorderId: string, campaignId: string): string =>
  `${new Date(dueMs).toISOString()}#${backorderId}#${campaignId}`;

/** Upper bound of the sort keys due at or before `nowMs`. */
export const dueKeyCeiling = (nowMs: number): string => `${new Date(nowMs).toISOString()}#~`;

/** The shards of the bucket starting at `startMs`. */
export const shardsOfBucket = (startMs: number): string[] =>
  Array.from({ length: DUE_SHARDS }, (_, shard) => `${bucketLabel(bucketStart(startMs))}#${shard}`);
