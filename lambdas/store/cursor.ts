/**
 * Opaque pagination cursors: DynamoDB's LastEvaluatedKey as base64url JSON. A cursor that is not exactly the
 * key of the listing it is used with is refused as bad input rather than passed to DynamoDB.
 */
import { ValidationError } from '../runtime/errors';

export type PageKey = Record<string, string>;

export const encodeCursor = (key: Record<string, unknown> | undefined): string | null =>
  key ? Buffer.from(JSON.stringify(key), 'utf8').toString('base64url') : null;

/**
 * Decodes a cursor that must hold exactly `keys`; `expected` pins key values the query fixes (the partition
 * it pages through), so a cursor from another listing is refused.
 */
export const decodeCursor = (
  cursor: string | undefined,
  keys: readonly string[],
  expected: Record<string, string> = {},
): PageKey | undefined => {
  if (cursor === undefined || cursor === '') return undefined;
  const invalid = () =>
    new ValidationError('The cursor is not valid', [{ path: 'cursor', message: 'unknown cursor' }]);
  if (cursor.length > 2048 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalid();
  const entries = Object.entries(parsed);
  if (
    entries.length !== keys.length ||
    entries.some(([k, v]) => !keys.includes(k) || typeof v !== 'string')
  ) {
    throw invalid();
  }
  const key = Object.fromEntries(entries) as PageKey;
  if (Object.entries(expected).some(([k, v]) => key[k] !== v)) throw invalid();
  return key;
};
