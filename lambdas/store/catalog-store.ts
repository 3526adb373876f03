/**
 * Persistence of site settings and products.
 */
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../runtime/dynamo';
import { tableName } from '../runtime/config';
import { transactWrite, type TransactItem } from '../runtime/transact';
import type { Product, ProductInput, SiteSettings } from '../domain/catalog';
import { MAX_VARIANTS } from '../domain/catalog-limits';
import { decodeCursor, encodeCursor } from './cursor';
import { isConditionFailure } from '../runtime/transact';
import { etaSave, type EtaWindow } from '../domain/eta';
import { etaSaveParts, readEtaItem } from './eta-store';
import { indexReads, queryIndex } from './index-reads';
import { readByKeys, type KeysByTable } from './batch-read';
import { queueTable, ticketsKey, toTicketCounter } from './queue-rows';
import type { TicketCounter } from '../domain/queue-tickets';

/** The one settings row's key. */
export const SITE = 'site';

export const getSiteSettings = async (): Promise<SiteSettings | undefined> => {
  const { Item } = await dynamo.send(
    new GetCommand({ TableName: tableName('settings'), Key: { name: SITE } }),
  );
  return Item ? (Item.value as SiteSettings) : undefined;
};

/**
 * Replaces the site settings; `alongside` are writes that belong to the same save (the store connectors'
 * secrets, in their own row: connector-store.ts), made in one transaction with it.
 */
export const putSiteSettings = async (
  settings: SiteSettings,
  by: string,
  alongside: TransactItem[] = [],
): Promise<void> => {
  const put = {
    TableName: tableName('settings'),
    Item: { name: SITE, value: settings, updatedAt: new Date().toISOString(), updatedBy: by },
  };
  if (alongside.length === 0) await dynamo.send(new PutCommand(put));
  else await transactWrite(() => [{ Put: put }, ...alongside]);
};

/**
 * The product as the console and emails see it, without the allocation run's bookkeeping or the mark of the
 * import that wrote it last (lambdas/store/product-import-store.ts).
 */
export const toProduct = (item: Record<string, unknown>): Product => {
  const {
    runId: _r,
    runPage: _p,
    runLeaseUntil: _l,
    rerun: _a,
    reserved: _s,
    importMark: _i,
    // What a store connector said last (store-stock-store.ts).
    storeStock: _m,
    storeStockAt: _t,
    // The expected date's announcements (eta-store.ts): only when the next one goes out is shown.
    etaRev: _er,
    etaVersion: _ev,
    etaFanout: _ef,
    etaBucket: _eb,
    etaDueKey: _ek,
    etaWindow,
    ...product
  } = item;
  const window = etaWindow as EtaWindow | undefined;
  return { ...product, ...(window ? { etaUpdateDueAt: window.until } : {}) } as unknown as Product;
};

export const getProduct = async (sku: string): Promise<Product | undefined> => {
  const { Item } = await dynamo.send(new GetCommand({ TableName: tableName('products'), Key: { sku } }));
  return Item ? toProduct(Item) : undefined;
};

/** Product and site settings in one round trip: what every signup needs to decide. */
export const getProductWithSettings = async (
  sku: string,
): Promise<{ product?: Product; settings?: SiteSettings }> => {
  const { product, settings } = await readProductWithSettings(sku, {});
  return { product, settings };
};

/**
 * What a signup reads before it writes, in one request: the product, the site settings, and the product's
 * ticket counter, which says how its ticket is taken (lambdas/store/ticket-store.ts). A moment old is fine
 * for all three: a counter read stale only takes one more ticket straight off it.
 */
export const getSignupReads = async (
  sku: string,
): Promise<{ product?: Product; settings?: SiteSettings; ticketCounter: TicketCounter }> => {
  const read = await readProductWithSettings(sku, { [queueTable()]: [{ key: ticketsKey(sku) }] });
  return { product: read.product, settings: read.settings, ticketCounter: toTicketCounter(read.also[0]) };
};

const readProductWithSettings = async (sku: string, also: KeysByTable) => {
  const products = tableName('products');
  const settings = tableName('settings');
  const found = await readByKeys(
    { [products]: [{ sku }], [settings]: [{ name: SITE }], ...also },
    { consistent: false },
  );
  return {
    product: found[products][0] ? toProduct(found[products][0]) : undefined,
    settings: found[settings][0]?.value as SiteSettings | undefined,
    also: Object.keys(also).flatMap((table) => found[table]),
  };
};

/**
 * Saves what the marketer controls, replacing it whole (PUT semantics: an omitted optional field is removed)
 * while keeping what the platform maintains (createdAt). A new expected date opens (or joins) the window of
 * its announcement in the same write (lambdas/store/eta-store.ts), conditioned on the product's date state as
 * read just before: a save racing another save or the sweeper reads again.
 */
export const saveProduct = async (
  sku: string,
  input: ProductInput,
  etaWindowMs: number,
  nowMs = Date.now(),
): Promise<{ product: Product; created: boolean }> => {
  for (let attempt = 1; ; attempt++) {
    const seen = await readEtaItem(sku);
    const eta = etaSaveParts(sku, etaSave(seen, input.expectedRestockDate, nowMs, etaWindowMs), seen?.etaRev);
    try {
      return await writeProduct(sku, input, eta, new Date(nowMs).toISOString());
    } catch (error) {
      if (!isConditionFailure(error) || attempt >= 5) throw error;
    }
  }
};

const writeProduct = async (
  sku: string,
  input: ProductInput,
  eta: ReturnType<typeof etaSaveParts>,
  now: string,
): Promise<{ product: Product; created: boolean }> => {
  const fields: Record<string, unknown> = {
    name: input.name,
    productId: input.productId,
    options: input.options,
    supplierId: input.supplierId,
    expectedRestockDate: input.expectedRestockDate,
    backorders: input.backorders,
    checkout: input.checkout,
    updatedAt: now,
    ...eta.set,
  };
  const set: string[] = [
    'createdAt = if_not_exists(createdAt, :now)',
    input.stock === undefined ? 'stock = if_not_exists(stock, :zero)' : 'stock = :stock',
  ];
  const remove: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {
    ':now': now,
    ...(input.stock === undefined ? { ':zero': 0 } : { ':stock': input.stock }),
    ...eta.condition.values,
  };
  for (const [field, value] of Object.entries(fields)) {
    names[`#${field}`] = field;
    if (value === undefined) remove.push(`#${field}`);
    else {
      set.push(`#${field} = :${field}`);
      values[`:${field}`] = value;
    }
  }
  const { Attributes } = await dynamo.send(
    new UpdateCommand({
      TableName: tableName('products'),
      Key: { sku },
      UpdateExpression: `SET ${set.join(', ')}${remove.length ? ` REMOVE ${remove.join(', ')}` : ''}`,
      ConditionExpression: eta.condition.expression,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      ReturnValues: 'ALL_NEW',
    }),
  );
  const product = toProduct(Attributes ?? {});
  return { product, created: product.createdAt === now };
};

/**
 * The items of these SKUs that are products, with the attributes `projection` names (`sku` among them):
 * consistent reads, 100 keys a request, what DynamoDB leaves unprocessed asked again.
 */
export const productItems = async (
  skus: readonly string[],
  projection: string,
): Promise<Record<string, unknown>[]> => {
  const found: Record<string, unknown>[] = [];
  const products = tableName('products');
  for (let i = 0; i < skus.length; i += 100) {
    let keys: Record<string, unknown>[] | undefined = skus.slice(i, i + 100).map((sku) => ({ sku }));
    while (keys && keys.length > 0) {
      const page: BatchGetCommandOutput = await dynamo.send(
        new BatchGetCommand({
          RequestItems: {
            [products]: { Keys: keys, ProjectionExpression: projection, ConsistentRead: true },
          },
        }),
      );
      found.push(...(page.Responses?.[products] ?? []));
      keys = page.UnprocessedKeys?.[products]?.Keys;
    }
  }
  return found;
};

/** Which of these SKUs are products (a stock update for an unknown one is refused whole). */
export const existingSkus = async (skus: readonly string[]): Promise<Set<string>> =>
  new Set((await productItems(skus, 'sku')).map((item) => item.sku as string));

export const listProducts = async (cursor?: string): Promise<{ items: Product[]; cursor: string | null }> => {
  const { Items, LastEvaluatedKey } = await dynamo.send(
    new ScanCommand({
      TableName: tableName('products'),
      Limit: 100,
      ExclusiveStartKey: decodeCursor(cursor, ['sku']),
    }),
  );
  const items = (Items ?? []).map(toProduct).sort((a, b) => a.sku.localeCompare(b.sku));
  return { items, cursor: encodeCursor(LastEvaluatedKey) };
};

/** What the variant index holds of a product: enough for a picker. */
export type Variant = Pick<Product, 'sku' | 'name' | 'options' | 'backorders'> & { productId: string };

/**
 * The variants of a product, by SKU: one query of the sparse `byProduct` index, the first MAX_VARIANTS only
 * (a product with more shows those), so its cost does not grow with a product's size.
 */
export const variantsOf = async (productId: string): Promise<Variant[]> => {
  const { Items } = await dynamo.send(
    new QueryCommand(
      queryIndex(indexReads.variants, {
        KeyConditionExpression: 'productId = :productId',
        ExpressionAttributeValues: { ':productId': productId },
        Limit: MAX_VARIANTS,
      }),
    ),
  );
  return (Items ?? []) as Variant[];
};
