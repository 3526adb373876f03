/**
 * Opaque pagination cursors: DynamoDB's LastEvaluatedKey as base64url JSON. A cursor that does not decode to
 * a flat object of strings is refused as bad input rather than passed to DynamoDB.
 */
import { ValidationError } from '../shared/errors';

export type PageKey = Record<string, string>;

export const encodeCursor = (key: Record<string, unknown> | undefined): string | null =>
  key ? Buffer.from(JSON.stringify(key), 'utf8').toString('base64url') : null;

export const decodeCursor = (
  cursor: string | undefined,
  allowedKeys: readonly string[],
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
  if (entries.length === 0 || entries.some(([k, v]) => !allowedKeys.includes(k) || typeof v !== 'string'))
    throw invalid();
  return Object.fromEntries(entries) as PageKey;
};
