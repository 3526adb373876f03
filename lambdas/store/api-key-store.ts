/**
 * API keys (table `apiKeys`, key `id`). This module owns every row of the table: one per key
 * (`id` = the key's id: name, scopes, the secret's SHA-256, who made it, when last used, when revoked) and the
 * `#live` row counting live keys, which makes "at most MAX_API_KEYS live keys" a conditional write.
 *
 * A revoked key keeps its row (the console shows it struck through) until its `expiresAt`, so the table, and
 * the scan that lists it, stay small whatever a shop does over the years.
 */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../runtime/dynamo';
import { tableName } from '../runtime/config';
import { conditionFailedAt, isConditionFailure, transactWrite } from '../runtime/transact';
import { ConflictError } from '../runtime/errors';
import { MAX_API_KEYS, type ApiKeyView, type NewApiKey } from '../domain/api-key';
import type { ApiKeyScope } from '../../lib/access';
import { everyScanPage } from './every-page';

const LIVE_COUNT = '#live';
/** How long a revoked key stays listed. */
const REVOKED_KEPT_SECONDS = 90 * 24 * 3600;
/** Last-used times are kept to the minute: at most one write per key per minute, however busy the key. */
const LAST_USED_PRECISION_MS = 60_000;

export interface ApiKeyRow {
  id: string;
  name: string;
  scopes: ApiKeyScope[];
  secretHash: string;
  createdAt: string;
  createdBy: string;
  lastUsedAt?: string;
  revokedAt?: string;
  revokedBy?: string;
  expiresAt?: number;
}

export const viewOf = (row: ApiKeyRow): ApiKeyView => ({
  id: row.id,
  name: row.name,
  scopes: row.scopes,
  createdAt: row.createdAt,
  createdBy: row.createdBy,
  lastUsedAt: row.lastUsedAt ?? null,
  revokedAt: row.revokedAt ?? null,
});

export const getApiKey = async (id: string): Promise<ApiKeyRow | undefined> => {
  const { Item } = await dynamo.send(
    new GetCommand({ TableName: tableName('apiKeys'), Key: { id }, ConsistentRead: true }),
  );
  return Item && Item.id !== LIVE_COUNT ? (Item as ApiKeyRow) : undefined;
};

/** Every key, live and recently revoked, newest first. */
export const listApiKeys = async (): Promise<ApiKeyRow[]> => {
  const rows: ApiKeyRow[] = [];
  await everyScanPage({ TableName: tableName('apiKeys'), ConsistentRead: true }, ({ items }) => {
    for (const item of items) if (item.id !== LIVE_COUNT) rows.push(item as unknown as ApiKeyRow);
  });
  return rows.sort((a, b) => b.createdAt.localeCompare(a.createdAt) || a.id.localeCompare(b.id));
};

/** Stores a new key with the count of live keys, refused (409) when the shop already has the most it may. */
export const createApiKey = async (
  id: string,
  input: NewApiKey,
  secretHash: string,
  createdBy: string,
  nowMs: number = Date.now(),
): Promise<ApiKeyRow> => {
  const row: ApiKeyRow = {
    id,
    name: input.name,
    scopes: input.scopes,
    secretHash,
    createdAt: new Date(nowMs).toISOString(),
    createdBy,
  };
  try {
    await transactWrite(() => [
      {
        Put: {
          TableName: tableName('apiKeys'),
          Item: row,
          ConditionExpression: 'attribute_not_exists(id)',
        },
      },
      {
        Update: {
          TableName: tableName('apiKeys'),
          Key: { id: LIVE_COUNT },
          UpdateExpression: 'ADD #count :one',
          ConditionExpression: 'attribute_not_exists(#count) OR #count < :max',
          ExpressionAttributeNames: { '#count': 'count' },
          ExpressionAttributeValues: { ':one': 1, ':max': MAX_API_KEYS },
        },
      },
    ]);
  } catch (error) {
    if (conditionFailedAt(error, 1))
      throw new ConflictError(`A shop may have ${MAX_API_KEYS} live API keys: revoke one first`);
    throw error;
  }
  return row;
};

/**
 * Revokes a key at once (the next request with it is refused: the admin functions read the key on every
 * request). Revoking a revoked key changes nothing; undefined for an unknown id.
 */
export const revokeApiKey = async (
  id: string,
  revokedBy: string,
  nowMs: number = Date.now(),
): Promise<ApiKeyRow | undefined> => {
  const existing = await getApiKey(id);
  if (!existing || existing.revokedAt) return existing;
  const revoked: ApiKeyRow = {
    ...existing,
    revokedAt: new Date(nowMs).toISOString(),
    revokedBy,
    expiresAt: Math.floor(nowMs / 1000) + REVOKED_KEPT_SECONDS,
  };
  try {
    await transactWrite(() => [
      {
        Update: {
          TableName: tableName('apiKeys'),
          Key: { id },
          UpdateExpression: 'SET revokedAt = :at, revokedBy = :by, expiresAt = :expires',
          ConditionExpression: 'attribute_exists(secretHash) AND attribute_not_exists(revokedAt)',
          ExpressionAttributeValues: {
            ':at': revoked.revokedAt,
            ':by': revokedBy,
            ':expires': revoked.expiresAt,
          },
        },
      },
      {
        Update: {
          TableName: tableName('apiKeys'),
          Key: { id: LIVE_COUNT },
          UpdateExpression: 'ADD #count :minusOne',
          ExpressionAttributeNames: { '#count': 'count' },
          ExpressionAttributeValues: { ':minusOne': -1 },
        },
      },
    ]);
  } catch (error) {
    // Revoked by someone else in the meantime: the key is revoked, which is what was asked; theirs is the row.
    if (!conditionFailedAt(error, 0)) throw error;
    return getApiKey(id);
  }
  return revoked;
};

/** Notes that the key was used now, unless it already was within the minute (then it writes nothing). */
export const touchApiKey = async (row: ApiKeyRow, nowMs: number = Date.now()): Promise<void> => {
  if (row.lastUsedAt && nowMs - Date.parse(row.lastUsedAt) < LAST_USED_PRECISION_MS) return;
  try {
    await dynamo.send(
      new UpdateCommand({
        TableName: tableName('apiKeys'),
        Key: { id: row.id },
        UpdateExpression: 'SET lastUsedAt = :now',
        ConditionExpression:
          'attribute_exists(secretHash) AND (attribute_not_exists(lastUsedAt) OR lastUsedAt < :recent)',
        ExpressionAttributeValues: {
          ':now': new Date(nowMs).toISOString(),
          ':recent': new Date(nowMs - LAST_USED_PRECISION_MS).toISOString(),
        },
      }),
    );
  } catch (error) {
    // Another request noted it first, or the key was deleted: either way there is nothing to note.
    if (!isConditionFailure(error)) throw error;
  }
};
