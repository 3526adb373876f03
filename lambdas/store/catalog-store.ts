/**
 * Persistence of site settings and products.
 */
import { BatchGetCommand, GetCommand, PutCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../shared/dynamo';
import { tableName } from '../shared/config';
import type { Product, ProductInput, SiteSettings } from '../domain/catalog';
import { decodeCursor, encodeCursor } from './cursor';

const SITE = 'site';

export const getSiteSettings = async (): Promise<SiteSettings | undefined> => {
  const { Item } = await dynamo.send(
    new GetCommand({ TableName: tableName('settings'), Key: { name: SITE } }),
  );
  return Item ? (Item.value as SiteSettings) : undefined;
};

export const putSiteSettings = async (settings: SiteSettings, by: string): Promise<void> => {
  await dynamo.send(
    new PutCommand({
      TableName: tableName('settings'),
      Item: { name: SITE, value: settings, updatedAt: new Date().toISOString(), updatedBy: by },
    }),
  );
};

export const getProduct = async (sku: string): Promise<Product | undefined> => {
  const { Item } = await dynamo.send(new GetCommand({ TableName: tableName('products'), Key: { sku } }));
  return Item as Product | undefined;
};

/** Product and site settings in one round trip: what every signup needs to decide. */
export const getProductWithSettings = async (
  sku: string,
): Promise<{ product?: Product; settings?: SiteSettings }> => {
  const products = tableName('products');
  const settings = tableName('settings');
  const { Responses } = await dynamo.send(
    new BatchGetCommand({
      RequestItems: { [products]: { Keys: [{ sku }] }, [settings]: { Keys: [{ name: SITE }] } },
    }),
  );
  return {
    product: Responses?.[products]?.[0] as Product | undefined,
    settings: Responses?.[settings]?.[0]?.value as SiteSettings | undefined,
  };
};

/**
 * Saves what the marketer controls, replacing it whole (PUT semantics: an omitted optional field is removed)
 * while keeping what the platform maintains (createdAt).
 */
export const saveProduct = async (
  sku: string,
  input: ProductInput,
): Promise<{ product: Product; created: boolean }> => {
  const now = new Date().toISOString();
  const fields: Record<string, unknown> = {
    name: input.name,
    stock: input.stock,
    supplierId: input.supplierId,
    expectedRestockDate: input.expectedRestockDate,
    backorders: input.backorders,
    updatedAt: now,
  };
  const set: string[] = ['createdAt = if_not_exists(createdAt, :now)'];
  const remove: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = { ':now': now };
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
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      ReturnValues: 'ALL_NEW',
    }),
  );
  const product = Attributes as Product;
  return { product, created: product.createdAt === now };
};

export const listProducts = async (cursor?: string): Promise<{ items: Product[]; cursor: string | null }> => {
  const { Items, LastEvaluatedKey } = await dynamo.send(
    new ScanCommand({
      TableName: tableName('products'),
      Limit: 100,
      ExclusiveStartKey: decodeCursor(cursor, ['sku']),
    }),
  );
  const items = ((Items ?? []) as Product[]).sort((a, b) => a.sku.localeCompare(b.sku));
  return { items, cursor: encodeCursor(LastEvaluatedKey) };
};
