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
import { readByKeys } from './batch-read';
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

  const [ledgerTable, productTable, queueTable] = [
    tableName('ledger'),
    tableName('products'),
    tableName('queues'),
  ];
  const bySku = new Map<string, Backorder[]>();
  for (const backorder of emailable)
    bySku.set(backorder.sku, [...(bySku.get(backorder.sku) ?? []), backorder]);
  const ticketsOf = (waiting: Backorder[]) =>
    waiting.flatMap((b) => (b.ticket === undefined ? [] : [b.ticket]));
  // The queue rows a place reads first ride along: places then need at most the pages before them.
  const second =
    emailable.length === 0
      ? undefined
      : await readByKeys({
          [ledgerTable]: unique(emailable.map((b) => b.emailKey)).flatMap(suppressionKeys),
          [productTable]: [...bySku.keys()].map((sku) => ({ sku })),
          [queueTable]: [...bySku].flatMap(([sku, waiting]) =>
            firstPlaceKeys(sku, ticketsOf(waiting)).map((key) => ({ key })),
          ),
        });
  const queueRows = new Map((second?.[queueTable] ?? []).map((item) => [String(item.key), item]));
  const placeLists = await Promise.all(
    [...bySku].map(([sku, waiting]) => placesInQueue(sku, waiting, queueRows)),
  );
  const places = new Map(
    [...bySku.values()].flatMap((waiting, i) => waiting.map((b, n) => [b.id, placeLists[i][n]] as const)),
  );
  return {
    backorders,
    campaigns,
    settings: first[settingsTable][0]?.value as SiteSettings | undefined,
    suppressed: new Set(
      emailable.flatMap((b) => (suppressionIn(second?.[ledgerTable] ?? [], b.emailKey) ? [b.emailKey] : [])),
    ),
    products: new Map((second?.[productTable] ?? []).map((item) => [String(item.sku), toProduct(item)])),
    places,
  };
};
