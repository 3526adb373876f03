/**
 * The `products` rows an import reads and writes (lambdas/domain/product-import.ts decides what): the
 * marketer's fields (as catalog-store.ts saves them), `updatedAt`, and `importMark`, which says which import
 * chunk wrote the product last (catalog-store.ts leaves it out of every answer).
 *
 * BatchWriteItem cannot be conditional, so a chunk's rows are written in one TransactWriteItems of conditional
 * updates, each conditioned on what its plan was made from: a new product on not existing yet; a stored one
 * on `updatedAt` and `importMark` as read (a console save or another import meanwhile), and on `stock` as read
 * when the row sets it (an allocation spending units meanwhile). One request for up to 100 conditional writes
 * (on AWS each costs two write units instead of one); a product that changed makes the whole transaction
 * fail, and the rows it names are read and planned again (the others' plans still hold, nothing was written).
 */
import { BatchGetCommand, type BatchGetCommandOutput } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../runtime/dynamo';
import { tableName } from '../runtime/config';
import { cancelledBecause, conditionFailedAt, transactWrite, type TransactItem } from '../runtime/transact';
import { IMPORTED_FIELDS, type ImportedProductState, type ProductFields } from '../domain/product-import';
import { etaSave } from '../domain/eta';
import { etaSaveParts } from './eta-store';

/** What a plan is made from: the fields, and what a write is conditioned on. */
const ATTRIBUTES = [
  'sku',
  ...IMPORTED_FIELDS,
  'updatedAt',
  'importMark',
  // A row that moves the expected date opens or joins its announcement's window (eta-store.ts).
  'etaRev',
  'etaVersion',
  'etaWindow',
  'etaFanout',
];
const projection = {
  ProjectionExpression: ATTRIBUTES.map((name) => `#${name}`).join(', '),
  ExpressionAttributeNames: Object.fromEntries(ATTRIBUTES.map((name) => [`#${name}`, name])),
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The products of these SKUs (at most 100), as stored now: a consistent read. */
export const readProductsForImport = async (
  skus: readonly string[],
): Promise<Map<string, ImportedProductState>> => {
  const products = tableName('products');
  const found = new Map<string, ImportedProductState>();
  let keys: Record<string, unknown>[] | undefined = skus.map((sku) => ({ sku }));
  for (let attempt = 0; keys && keys.length > 0; attempt++) {
    if (attempt > 0) await sleep(50 * 2 ** Math.min(attempt, 5));
    const page: BatchGetCommandOutput = await dynamo.send(
      new BatchGetCommand({
        RequestItems: { [products]: { Keys: keys, ConsistentRead: true, ...projection } },
      }),
    );
    for (const item of page.Responses?.[products] ?? [])
      found.set(item.sku as string, item as ImportedProductState);
    keys = page.UnprocessedKeys?.[products]?.Keys;
  }
  return found;
};

/**
 * The write of a planned row: every field of a new product (with createdAt), or the changed fields of a
 * stored one, conditioned on the product being as `seen`.
 */
export const productWrite = (
  sku: string,
  set: Partial<ProductFields>,
  seen: ImportedProductState | undefined,
  mark: string,
  now: string,
  etaWindowMs: number,
): TransactItem => {
  const names: Record<string, string> = { '#updatedAt': 'updatedAt', '#importMark': 'importMark' };
  const values: Record<string, unknown> = { ':now': now, ':mark': mark };
  const assignments = ['#updatedAt = :now', '#importMark = :mark'];
  for (const [field, value] of Object.entries(set)) {
    if (value === undefined) continue;
    names[`#${field}`] = field;
    values[`:${field}`] = value;
    assignments.push(`#${field} = :${field}`);
  }
  const conditions: string[] = [];
  if (set.expectedRestockDate !== undefined) {
    const save = etaSave(seen, set.expectedRestockDate, Date.parse(now), etaWindowMs);
    const eta = etaSaveParts(sku, save, seen?.etaRev);
    for (const [field, value] of Object.entries(eta.set)) {
      names[`#${field}`] = field;
      values[`:${field}`] = value;
      assignments.push(`#${field} = :${field}`);
    }
    Object.assign(values, eta.condition.values);
    if (seen) conditions.push(eta.condition.expression);
  }
  if (!seen) {
    assignments.push('createdAt = :now');
    conditions.push('attribute_not_exists(sku)');
  } else {
    // Stock only when the row sets it: an allocation spending units meanwhile does not refuse a rename.
    const guarded: ('updatedAt' | 'importMark' | 'stock')[] = ['updatedAt', 'importMark'];
    if (set.stock !== undefined) guarded.push('stock');
    for (const field of guarded) {
      const seenValue = seen[field];
      names[`#${field}`] = field;
      if (seenValue === undefined) conditions.push(`attribute_not_exists(#${field})`);
      else {
        values[`:seen_${field}`] = seenValue;
        conditions.push(`#${field} = :seen_${field}`);
      }
    }
  }
  return {
    Update: {
      TableName: tableName('products'),
      Key: { sku },
      UpdateExpression: `SET ${assignments.join(', ')}`,
      ConditionExpression: conditions.join(' AND '),
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
  };
};

/**
 * Writes a chunk's planned rows in one transaction (at most 100): all of them, or, when some product
 * changed since it was read, none. Answers the positions of the writes whose condition failed (empty when
 * all were written); a transaction that kept conflicting with another throws, for the queue's retry.
 */
export const writeImportedProducts = async (writes: TransactItem[]): Promise<number[]> => {
  if (writes.length === 0) return [];
  try {
    await transactWrite(() => writes);
    return [];
  } catch (error) {
    if (!cancelledBecause(error, 'ConditionalCheckFailed')) throw error;
    return writes.map((_, index) => index).filter((index) => conditionFailedAt(error, index));
  }
};
