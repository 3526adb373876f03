/**
 * The outbox: the messages a state change owes the rest of the platform (a signup's confirmation, a
 * cancel's webhook event and allocation request), written in the same transaction as the change itself, so
 * a process that dies between the write and its message loses nothing. The writer publishes at once and
 * deletes the row; the scheduler publishes any row still there once its grace period is over.
 *
 * Owns the `outbox` table. Rows exist for milliseconds in the normal case; the sparse, sharded index
 * `pendingByShard` (`pendingShard`, `dueAt`) lists the ones left behind, oldest due first.
 */
import { shardOf } from '../domain/shards';
import { DeleteCommand, paginateQuery, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../runtime/dynamo';
import { tableName } from '../runtime/config';
import type { TransactItem } from '../runtime/transact';
import type { ProductEtaEvent, WebhookEventType } from '../domain/webhook';
import type { EmailMessage } from '../messages/email';
import { isConditionFailure } from '../runtime/transact';
import { batchWriteAll } from './batch-write';
import { indexReads, queryIndex } from './index-reads';

/** One message owed: each kind is published by lambdas/use-cases/outbox.ts. */
export type OutboxEntry =
  | { kind: 'email'; message: EmailMessage }
  | {
      kind: 'backorderEvent';
      type: WebhookEventType;
      backorderId: string;
      at: string;
      /** The event must not carry personal data (the cancel of an erasure). */
      anonymous?: boolean;
    }
  | { kind: 'allocation'; skus: string[]; reason: string }
  /** An event about a product for the shop's systems (a moved expected date). */
  | { kind: 'productEvent'; event: ProductEtaEvent }
  /** A product import's chunks, for the import queue (lambdas/use-cases/product-import.ts). */
  | { kind: 'importChunks'; importId: string; chunks: number };

export interface OutboxRow {
  id: string;
  entries: OutboxEntry[];
  createdAt: string;
  /** When the scheduler may publish it: the writer had its chance by then. */
  dueAt: string;
  attempts?: number;
}

/**
 * Index partitions. Every signup writes and removes one index entry: 16 shards keep each partition far
 * under DynamoDB's 1 000 writes a second at 5 000 signups a second (2 × 5 000 / 16 ≈ 625).
 */
export const OUTBOX_SHARDS = 16;

/** The row to put in the state change's own transaction. */
export const outboxPut = (
  id: string,
  entries: OutboxEntry[],
  nowMs: number,
  graceMs: number,
): TransactItem => ({
  Put: {
    TableName: tableName('outbox'),
    Item: {
      id,
      entries,
      createdAt: new Date(nowMs).toISOString(),
      dueAt: new Date(nowMs + graceMs).toISOString(),
      pendingShard: String(shardOf(id, OUTBOX_SHARDS)),
    } satisfies OutboxRow & { pendingShard: string },
  },
});

/** Published, many at once: a batch of rows written by one worker (expired holds) in a request. */
export const deleteOutboxRows = (ids: readonly string[]): Promise<void> =>
  batchWriteAll(
    tableName('outbox'),
    ids.map((id) => ({ DeleteRequest: { Key: { id } } })),
  );

/** Published: the row has done its job. Deleting one already gone is fine. */
export const deleteOutboxRow = async (id: string): Promise<void> => {
  await dynamo.send(new DeleteCommand({ TableName: tableName('outbox'), Key: { id } }));
};

/** Publishing failed: try again later, backing off (1, 2, 4 … minutes, at most an hour). */
export const postponeOutboxRow = async (row: OutboxRow, nowMs: number): Promise<void> => {
  const attempts = (row.attempts ?? 0) + 1;
  const waitMs = Math.min(60 * 60_000, 60_000 * 2 ** (attempts - 1));
  await dynamo
    .send(
      new UpdateCommand({
        TableName: tableName('outbox'),
        Key: { id: row.id },
        UpdateExpression: 'SET dueAt = :due, attempts = :attempts',
        // Published and deleted meanwhile: nothing to postpone.
        ConditionExpression: 'attribute_exists(id)',
        ExpressionAttributeValues: { ':due': new Date(nowMs + waitMs).toISOString(), ':attempts': attempts },
      }),
    )
    .catch((error: unknown) => {
      if (!isConditionFailure(error)) throw error;
    });
};

/** Every row whose grace period is over, shard by shard, at most `limit` in all. */
export const dueOutboxRows = async (nowMs: number, limit = 500): Promise<OutboxRow[]> => {
  const now = new Date(nowMs).toISOString();
  const perShard = await Promise.all(
    Array.from({ length: OUTBOX_SHARDS }, async (_, shard) => {
      const rows: OutboxRow[] = [];
      const pages = paginateQuery(
        { client: dynamo, pageSize: 100 },
        queryIndex(indexReads.dueOutbox, {
          KeyConditionExpression: 'pendingShard = :shard AND dueAt <= :now',
          ExpressionAttributeValues: { ':shard': String(shard), ':now': now },
        }),
      );
      for await (const page of pages) {
        rows.push(...((page.Items ?? []) as OutboxRow[]));
        if (rows.length >= limit) break;
      }
      return rows;
    }),
  );
  return perShard
    .flat()
    .sort((a, b) => a.dueAt.localeCompare(b.dueAt))
    .slice(0, limit);
};
