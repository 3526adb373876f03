/**
 * The console's statistics (`GET /api/admin/stats`): per product, per email figure and per nurture step,
 * read from the counter rows the events maintain. A request reads the catalogue and the campaigns (both
 * small, listed anyway by the console) and fetches the counter rows by key; it never scans backorders, emails
 * or enrolments, so it costs the same with ten backorders or ten million.
 */
import * as z from 'zod';
import { parseOrThrow } from '../domain/validation';
import {
  dailyUnits,
  emailRowKey,
  lastDays,
  productFigures,
  productRowKey,
  STATS_SHARDS,
  stepRowKey,
  sumRows,
  unitsRowKey,
  type DailyUnits,
  type ProductFigures,
} from '../domain/statistics';
import { funnelOverDays, funnelTotals, type Funnel } from '../domain/funnel';
import { listProducts } from '../store/catalog-store';
import { pagesOf } from '../store/every-page';
import { listCampaigns } from '../store/campaign-store';
import { FEEDBACK_COUNTER_KEY } from '../store/email-stats-store';
import { readCounterRows } from '../store/stats-store';
import type { Product } from '../domain/catalog';

export const statsQuery = z.object({
  /** How many days the waiting-units series covers, ending today (UTC). */
  days: z.coerce.number().int().min(1).max(366).default(30),
});

export interface ProductStatistics extends ProductFigures, Funnel {
  sku: string;
  name: string;
  /** Units waiting at the end of each day of the window (the last day: now). */
  daily: DailyUnits[];
  /** From alert to order over the window's days (UTC). */
  period: Funnel;
}

export interface StepStatistics {
  campaignId: string;
  campaignName: string;
  campaignActive: boolean;
  stepId: string;
  /** 1-based place of the step in its campaign as it is now. */
  position: number;
  subject: string;
  sent: number;
  /** Waiting backorders cancelled while this step was the latest their sequence had sent. */
  cancelledAfter: number;
  /** Shoppers who opened their status page from this step's email (once per backorder). */
  clicks: number;
}

export interface ShopStatistics {
  generatedAt: string;
  days: number;
  products: ProductStatistics[];
  emails: {
    sent: number;
    bounced: number;
    complained: number;
    unsubscribed: number;
    softBounced: number;
    /** Sent, by kind of email (confirmation, nurture, restock, test…). */
    sentByKind: Record<string, number>;
  };
  steps: StepStatistics[];
}

const shards = Array.from({ length: STATS_SHARDS }, (_, shard) => shard);

const allProducts = async (): Promise<Product[]> => {
  const products: Product[] = [];
  for await (const page of pagesOf(listProducts)) products.push(...page);
  return products.sort((a, b) => a.sku.localeCompare(b.sku));
};

/** The counter rows of a product's figures, one per shard. */
const productKeys = (sku: string) => shards.map((shard) => productRowKey(sku, shard));

/** A product's figures from counter rows read by key (absent rows count as zero). */
const figuresOf = (rows: ReadonlyMap<string, Record<string, unknown>>, sku: string): ProductFigures =>
  productFigures(sumRows(productKeys(sku).map((key) => rows.get(key))));

/**
 * The figures of some products (a page of the catalogue), by SKU: the same counter rows the statistics read,
 * fetched by key, so a page costs the same however many backorders its products have.
 */
export const productFiguresOf = async (skus: readonly string[]): Promise<Map<string, ProductFigures>> => {
  const rows = await readCounterRows(skus.flatMap(productKeys));
  return new Map(skus.map((sku) => [sku, figuresOf(rows, sku)]));
};

export const shopStatistics = async (
  query: Record<string, string | undefined>,
  nowMs = Date.now(),
): Promise<ShopStatistics> => {
  const { days: window } = parseOrThrow(statsQuery, query, 'query');
  const days = lastDays(new Date(nowMs).toISOString(), window);
  const months = [...new Set(days.map((day) => day.slice(0, 7)))];
  const [products, campaigns] = await Promise.all([allProducts(), listCampaigns()]);
  const steps = campaigns.flatMap((campaign) =>
    campaign.steps.map((step, index) => ({ campaign, step, position: index + 1 })),
  );

  const unitsKeys = (sku: string, month: string) => shards.map((shard) => unitsRowKey(sku, month, shard));
  const emailKeys = shards.map(emailRowKey);
  const stepKeys = (campaignId: string, stepId: string) =>
    shards.map((shard) => stepRowKey(campaignId, stepId, shard));

  const rows = await readCounterRows([
    FEEDBACK_COUNTER_KEY,
    ...emailKeys,
    ...products.flatMap(({ sku }) => [
      ...productKeys(sku),
      ...months.flatMap((month) => unitsKeys(sku, month)),
    ]),
    ...steps.flatMap(({ campaign, step }) => stepKeys(campaign.id, step.id)),
  ]);
  const sum = (keys: readonly string[]) => sumRows(keys.map((key) => rows.get(key)));

  const emailSums = sum(emailKeys);
  const feedback = sumRows([rows.get(FEEDBACK_COUNTER_KEY)]);
  return {
    generatedAt: new Date(nowMs).toISOString(),
    days: window,
    products: products.map(({ sku, name }) => {
      const summed = sum(productKeys(sku));
      const figures = productFigures(summed);
      const byMonth = new Map(months.map((month) => [month, sum(unitsKeys(sku, month))]));
      return {
        sku,
        name,
        ...figures,
        ...funnelTotals(summed),
        daily: dailyUnits(days, byMonth, figures.unitsWaiting),
        period: funnelOverDays(days, byMonth),
      };
    }),
    emails: {
      sent: emailSums.sent ?? 0,
      bounced: feedback.bounced ?? 0,
      complained: feedback.complained ?? 0,
      unsubscribed: emailSums.unsubscribed ?? 0,
      softBounced: feedback.softBounced ?? 0,
      sentByKind: Object.fromEntries(
        Object.entries(emailSums)
          .filter(([name]) => name.startsWith('sent_'))
          .map(([name, count]) => [name.slice('sent_'.length), count]),
      ),
    },
    steps: steps.map(({ campaign, step, position }) => {
      const counts = sum(stepKeys(campaign.id, step.id));
      return {
        campaignId: campaign.id,
        campaignName: campaign.name,
        campaignActive: campaign.active,
        stepId: step.id,
        position,
        subject: step.subject,
        sent: counts.sent ?? 0,
        cancelledAfter: counts.cancelledAfter ?? 0,
        clicks: counts.clicks ?? 0,
      };
    }),
  };
};
