/**
 * Everything a batch of nurture steps needs to decide and write its emails, read once for the batch: the
 * backorders, their campaigns and the site settings in one request; then the suppression rows of the
 * shoppers it may email, their products and the queue rows their places start from in another (rarely a
 * third, for pages before theirs: lambdas/store/queue-store.ts). Ten steps cost two or three reads, not forty.
 */
import type { Backorder } from '../domain/backorder';
import type { Campaign } from '../domain/campaign';
import type { Product, SiteSettings } from '../domain/catalog';
import { tableName } from '../runtime/config';
import { readByKeys, type ItemsByTable, type KeysByTable } from './batch-read';
import { toBackorder } from './backorder-store';
import { SITE, toProduct } from './catalog-store';
import { firstPlaceKeys, placesInQueue } from './queue-store';
import { suppressionIn, suppressionKeys } from './shopper-store';

export interface NurtureFacts {
  backorders: Map<string, Backorder>;
  campaigns: Map<string, Campaign>;
  settings?: SiteSettings;
  /** Only for the backorders that are waiting with consent (nobody else is emailed). */
  suppressed: Set<string>;
  products: Map<string, Product>;
  /** Places in the queue of the backorders that are waiting with consent, by backorder id. */
  places: Map<string, number>;
}

const unique = <T>(values: readonly T[]): T[] => [...new Set(values)];

/** The backorders a step may be sent to: still waiting, with marketing consent. */
const mayEmail = (backorder: Backorder): boolean => backorder.status === 'waiting' && !!backorder.consentedAt;

export const readNurtureFacts = async (
  steps: readonly { backorderId: string; campaignId: string }[],
): Promise<NurtureFacts> => {
  const [backorderTable, campaignTable, settingsTable] = [
    tableName('backorders'),
    tableName('campaigns'),
    tableName('settings'),
  ];
  const first = await readByKeys({
    [backorderTable]: unique(steps.map((s) => s.backorderId)).map((id) => ({ id })),
    [campaignTable]: unique(steps.map((s) => s.campaignId)).map((id) => ({ id })),
    [settingsTable]: [{ name: SITE }],
  });
  const backorders = new Map(first[backorderTable].map((item) => [String(item.id), toBackorder(item)]));
  const campaigns = new Map(
    first[campaignTable].map((item) => [String(item.id), item as unknown as Campaign]),
  );
  const emailable = [...backorders.values()].filter(mayEmail);

  const ledgerTable = tableName('ledger');
  const { products, places, also } = await readProductsAndPlaces(emailable, emailable, {
    [ledgerTable]: unique(emailable.map((b) => b.emailKey)).flatMap(suppressionKeys),
  });
  return {
    backorders,
    campaigns,
    settings: first[settingsTable][0]?.value as SiteSettings | undefined,
    suppressed: new Set(
      emailable.flatMap((b) => (suppressionIn(also[ledgerTable] ?? [], b.emailKey) ? [b.emailKey] : [])),
    ),
    products,
    places,
  };
};

/**
 * The products of `shown` and the places in the queue of `placed` (backorders that wait), in one request
 * with whatever else the caller reads alongside (`also`): the queue rows a place reads first ride along, so
 * places then need at most the pages before them.
 */
export const readProductsAndPlaces = async (
  shown: readonly Backorder[],
  placed: readonly Backorder[],
  also: KeysByTable = {},
): Promise<{ products: Map<string, Product>; places: Map<string, number>; also: ItemsByTable }> => {
  const [productTable, queueTable] = [tableName('products'), tableName('queues')];
  const bySku = new Map<string, Backorder[]>();
  for (const backorder of placed) bySku.set(backorder.sku, [...(bySku.get(backorder.sku) ?? []), backorder]);
  const ticketsOf = (waiting: Backorder[]) =>
    waiting.flatMap((b) => (b.ticket === undefined ? [] : [b.ticket]));
  const wanted: KeysByTable = {
    ...also,
    [productTable]: unique(shown.map((b) => b.sku)).map((sku) => ({ sku })),
    [queueTable]: [...bySku].flatMap(([sku, waiting]) =>
      firstPlaceKeys(sku, ticketsOf(waiting)).map((key) => ({ key })),
    ),
  };
  const read = Object.values(wanted).some((keys) => keys.length > 0) ? await readByKeys(wanted) : {};
  const queueRows = new Map((read[queueTable] ?? []).map((item) => [String(item.key), item]));
  const placeLists = await Promise.all(
    [...bySku].map(([sku, waiting]) => placesInQueue(sku, waiting, queueRows)),
  );
  return {
    products: new Map((read[productTable] ?? []).map((item) => [String(item.sku), toProduct(item)])),
    places: new Map(
      [...bySku.values()].flatMap((waiting, i) => waiting.map((b, n) => [b.id, placeLists[i][n]] as const)),
    ),
    also: read,
  };
};
