/**
 * The shapes the console's routes answer with, for the OpenAPI document (lib/openapi.ts), each checked at
 * compile time against the type its use-case returns, as in lib/openapi-responses.ts. Where a request schema
 * already says a shape (a campaign, a product, the settings), the answer extends it.
 */
import * as z from 'zod';
import { SEGMENTS } from '../lambdas/domain/backorder';
import { campaignSchema } from '../lambdas/domain/campaign-schema';
import {
  productSchema,
  siteSettingsSchema,
  type Product,
  type SiteSettings,
} from '../lambdas/domain/catalog';
import type { Campaign } from '../lambdas/domain/campaign';
import { supplierSchema } from '../lambdas/domain/supplier-schema';
import { DELIVERY_STATES, WEBHOOK_EVENT_TYPES } from '../lambdas/domain/webhook';
import type { RenderedEmail } from '../lambdas/emails/rendered';
import type { SentEmailRecord } from '../lambdas/store/sent-emails-store';
import type { listProducts } from '../lambdas/store/catalog-store';
import type { productForConsole } from '../lambdas/use-cases/product-admin';
import type { adminView, lookUpBackorders } from '../lambdas/use-cases/admin-backorders';
import type { removeCampaign, sendTestEmail } from '../lambdas/use-cases/campaign-admin';
import type { backorderDetail, resendStatusLink } from '../lambdas/use-cases/customer-service';
import type { ShopStatistics } from '../lambdas/use-cases/shop-statistics';
import type {
  allSuppliers,
  batchView,
  sendSupplierBatchNow,
  supplierBatches,
  supplierView,
} from '../lambdas/use-cases/supplier-admin';
import type {
  allWebhooks,
  deliveryView,
  removeWebhook,
  webhookDeliveries,
  webhookView,
} from '../lambdas/use-cases/webhook-admin';
import {
  emailOutcome,
  eventType,
  holdUntil,
  instant,
  kind,
  page,
  status,
  type Answer,
  type Describes,
  type Proof,
} from './openapi-responses';

export const siteSettings = siteSettingsSchema;
type _SiteSettings = Proof<Describes<typeof siteSettings, SiteSettings>>;

export const etaHistory = z
  .array(z.object({ date: z.string().nullable(), at: instant }))
  .describe('The expected dates announced to waiting shoppers, oldest first (null: no date any more)');

export const product = productSchema.extend({
  sku: z.string(),
  stock: z.number().describe('Free units for backorders'),
  etaHistory: etaHistory.optional(),
  etaUpdateDueAt: instant
    .optional()
    .describe('While a changed expected date waits for its window to end: when waiting shoppers are told'),
  createdAt: instant,
  updatedAt: instant,
});
type _Product = Proof<Describes<typeof product, Product>>;
export const productDetail = product.extend({
  waiting: z.number().describe('Backorders waiting for it now: who a changed expected date would be told'),
});
type _ProductDetail = Proof<Describes<typeof productDetail, Answer<typeof productForConsole>>>;
export const productList = page(product);
type _ProductList = Proof<Describes<typeof productList, Answer<typeof listProducts>>>;

export const amount = z
  .object({
    value: z.number().describe('Minor units (cents), a whole number'),
    currency: z.string().describe('ISO 4217, such as EUR'),
  })
  .describe('Money as the shop counts it');
export const shopOrder = z
  .object({ id: z.string().describe("The shop's order id"), amount: amount.optional() })
  .describe("A paid order's, from its creation, or the one a fulfil named");

const adminBackorderShape = {
  id: z.string(),
  sku: z.string(),
  email: z.string(),
  emailKey: z.string(),
  quantity: z.number(),
  name: z.string().optional(),
  company: z.string().optional(),
  segment: z.enum(SEGMENTS),
  marketingConsent: z.boolean(),
  locale: z.string(),
  timeZone: z
    .string()
    .optional()
    .describe("The shopper's IANA time zone, from the signup; emails show times in it"),
  kind,
  order: shopOrder.optional(),
  status,
  createdAt: instant,
  updatedAt: instant,
  consentedAt: z.string().optional(),
  allocatedAt: z.string().optional(),
  holdUntil,
  holdExtendedAt: z.string().optional().describe('When customer service extended the hold (once)'),
  remindedAt: z.string().optional().describe("When the hold's one reminder was queued"),
  checkoutClickedAt: z
    .string()
    .optional()
    .describe('When the shopper first followed the "complete your order" link'),
  etaAtSignup: z.string().optional().describe("The product's expected date when the shopper signed up"),
  etaNotified: z.number().optional().describe('The latest expected-date announcement emailed to it'),
  etaTold: z.string().nullable().optional().describe('The date that announcement told (null: no date)'),
  etaAsk: z
    .object({ version: z.number(), date: z.string().nullable(), askedAt: instant })
    .optional()
    .describe('The last time a moved expected date asked the shopper to keep their place or cancel'),
  etaKept: z
    .object({ version: z.number(), date: z.string().nullable(), at: instant })
    .optional()
    .describe('Their answer "keep my place" to the ask of `version`'),
  events: z.array(z.object({ at: instant, type: eventType, by: z.string().optional() })),
  erasingAt: z.string().optional(),
  erasedAt: z.string().optional().describe('Set once the shopper had their data erased'),
  erasedVia: z.string().optional(),
};
export const adminBackorder = z.object(adminBackorderShape);
type _AdminBackorder = Proof<Describes<typeof adminBackorder, ReturnType<typeof adminView>>>;
export const backorderList = page(adminBackorder);
type _BackorderList = Proof<Describes<typeof backorderList, Answer<typeof lookUpBackorders>>>;

const timelineEntry = z.union([
  z.object({ at: instant, type: eventType, by: z.string().optional() }),
  z.object({
    at: instant,
    type: z.literal('email'),
    kind: z.string(),
    outcome: emailOutcome,
    subject: z.string().optional(),
    campaignId: z.string().optional(),
    stepId: z.string().optional(),
    requestedBy: z.string().optional(),
    outcomeAt: z.string().optional(),
    reason: z.string().optional(),
    asked: z.boolean().optional().describe('An expected-date update that asked to keep the place or cancel'),
  }),
  z.object({
    at: instant,
    type: z.literal('webhook'),
    event: z.enum(WEBHOOK_EVENT_TYPES),
    eventAt: instant,
    endpoint: z.string(),
    state: z.enum(DELIVERY_STATES),
    attempts: z.number(),
    lastStatus: z.number().optional(),
    lastAttemptAt: instant,
    deliveredAt: z.string().optional(),
  }),
]);
export const backorderDetailAnswer = z.object({ ...adminBackorderShape, timeline: z.array(timelineEntry) });
type _BackorderDetail = Proof<Describes<typeof backorderDetailAnswer, Answer<typeof backorderDetail>>>;

export const statusLinkQueued = z.object({ id: z.string(), emailId: z.string(), queued: z.literal(true) });
type _StatusLink = Proof<Describes<typeof statusLinkQueued, Answer<typeof resendStatusLink>>>;

export const campaign = campaignSchema.extend({
  id: z.string(),
  version: z.number().describe('Increases with every save'),
  createdAt: instant,
  updatedAt: instant,
});
type _Campaign = Proof<Describes<typeof campaign, Campaign>>;
export const campaignList = z.object({ items: z.array(campaign) });

export const deleted = z.object({ id: z.string(), deleted: z.boolean().describe('Always true') });
type _DeletedCampaign = Proof<Describes<typeof deleted, Answer<typeof removeCampaign>>>;
type _DeletedWebhook = Proof<Describes<typeof deleted, Answer<typeof removeWebhook>>>;

export const renderedEmail = z.object({ subject: z.string(), html: z.string(), text: z.string() });
type _RenderedEmail = Proof<Describes<typeof renderedEmail, RenderedEmail>>;

export const testQueued = z.object({ queued: z.boolean().describe('Always true'), to: z.string() });
type _TestQueued = Proof<Describes<typeof testQueued, Answer<typeof sendTestEmail>>>;

export const sentEmail = z.object({
  emailId: z.string(),
  kind: z.string(),
  state: z.enum(['sending', 'sent', 'withheld']),
  withheldReason: z.string().optional(),
  withheldAt: z.string().optional(),
  backorderId: z.string().optional(),
  campaignId: z.string().optional(),
  stepId: z.string().optional(),
  subject: z.string().optional(),
  claimedAt: instant,
  sentAt: z.string().optional(),
  requestedBy: z.string().optional(),
  asked: z
    .string()
    .optional()
    .describe('"yes": an expected-date update that asked to keep the place or cancel'),
  bounce: z.object({ type: z.enum(['permanent', 'transient']), at: instant }).optional(),
  complaint: z.object({ at: instant }).optional(),
});
type _SentEmail = Proof<Describes<typeof sentEmail, SentEmailRecord>>;
export const sentEmailList = z.object({ items: z.array(sentEmail) });

export const webhookEndpoint = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(z.enum(WEBHOOK_EVENT_TYPES)),
  active: z.boolean(),
  createdAt: instant,
  updatedAt: instant,
  secretSet: z.boolean(),
  secretLast4: z.string().describe('The secret itself is never returned'),
});
type _WebhookEndpoint = Proof<Describes<typeof webhookEndpoint, ReturnType<typeof webhookView>>>;
export const webhookList = z.object({ items: z.array(webhookEndpoint) });
type _WebhookList = Proof<Describes<typeof webhookList, Answer<typeof allWebhooks>>>;

export const delivery = z.object({
  webhookId: z.string(),
  eventId: z.string(),
  eventType: z.enum(WEBHOOK_EVENT_TYPES),
  backorderId: z.string().optional().describe('What a backorder event is about'),
  sku: z.string().optional().describe('What a product event is about'),
  createdAt: instant,
  state: z.enum(DELIVERY_STATES),
  attempts: z.number(),
  lastStatus: z.number().nullable(),
  lastError: z.string().nullable(),
  lastAttemptAt: instant,
  deliveredAt: z.string().optional(),
});
type _Delivery = Proof<Describes<typeof delivery, ReturnType<typeof deliveryView>>>;
export const deliveryPage = page(delivery);
type _DeliveryPage = Proof<Describes<typeof deliveryPage, Answer<typeof webhookDeliveries>>>;

export const supplier = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string(),
  batch: supplierSchema.shape.batch,
  locale: z.string().describe('The language of its batch emails (en, de, fr, es)'),
  lastBatchId: z.string().nullable(),
  lastBatchAt: z.string().nullable(),
  nextBatchAt: instant,
  createdAt: instant,
  updatedAt: instant,
});
type _Supplier = Proof<Describes<typeof supplier, ReturnType<typeof supplierView>>>;
export const supplierList = z.object({ items: z.array(supplier) });
type _SupplierList = Proof<Describes<typeof supplierList, Answer<typeof allSuppliers>>>;

export const supplierBatch = z.object({
  id: z.string(),
  supplierId: z.string(),
  trigger: z.enum(['schedule', 'manual']),
  lines: z.array(
    z.object({
      sku: z.string(),
      name: z.string(),
      units: z.number(),
      backorders: z.number(),
      oldest: instant,
    }),
  ),
  units: z.number(),
  backorders: z.number(),
  sentTo: z.string(),
  window: z.object({ from: z.string().nullable(), to: z.string() }),
  createdAt: instant,
  sentAt: z.string().nullable(),
  fileName: z.string(),
});
type _SupplierBatch = Proof<Describes<typeof supplierBatch, ReturnType<typeof batchView>>>;
export const batchPage = page(supplierBatch);
type _BatchPage = Proof<Describes<typeof batchPage, Answer<typeof supplierBatches>>>;
type _BatchNow = Proof<Describes<typeof supplierBatch, Answer<typeof sendSupplierBatchNow>>>;

const count = z.number();
const funnel = {
  alertsSent: count.describe('Restock alerts of reservations sent'),
  alertClicks: count.describe('Reservations whose "complete your order" link was followed (once each)'),
  fulfilledAfterAlert: count.describe(
    'Reservations fulfilled after their units were allocated (or had expired)',
  ),
  expired: count,
  paidOrders: count.describe('Paid orders created through the API'),
  etaChanges: count.describe(
    'Moves of the expected date announced to waiting shoppers (one per debounce window)',
  ),
  keptAfterSlip: count.describe('Shoppers asked after the date slipped far who chose to keep their place'),
  cancelledAfterSlip: count.describe('Shoppers asked after the date slipped far who cancelled instead'),
  revenue: z
    .record(z.string(), count)
    .describe('Minor units per ISO 4217 currency of the orders fulfilled with an amount: {"EUR":2999}'),
};
export const shopStatistics = z.object({
  generatedAt: instant,
  days: z.number(),
  products: z.array(
    z.object({
      sku: z.string(),
      name: z.string(),
      created: count,
      waiting: count,
      allocated: count,
      fulfilled: count,
      cancelled: count,
      cancelledWhileWaiting: count,
      unitsWaiting: count,
      medianWaitSeconds: z.number().nullable(),
      waitsMeasured: count,
      cancelledWhileWaitingShare: z.number().nullable(),
      ...funnel,
      expired: count.describe(
        'Backorders expired now (a late fulfil that took the units again is fulfilled)',
      ),
      daily: z.array(
        z.object({ day: z.string(), unitsAdded: count, unitsRemoved: count, unitsWaiting: count }),
      ),
      period: z
        .object({ ...funnel, expired: count.describe('Holds that ran out in the window') })
        .describe('The same figures over the `days` window (UTC days, today included)'),
    }),
  ),
  emails: z.object({
    sent: count,
    bounced: count,
    complained: count,
    unsubscribed: count,
    softBounced: count,
    sentByKind: z.record(z.string(), count),
  }),
  steps: z.array(
    z.object({
      campaignId: z.string(),
      campaignName: z.string(),
      campaignActive: z.boolean(),
      stepId: z.string(),
      position: z.number(),
      subject: z.string(),
      sent: count,
      cancelledAfter: count,
      clicks: count.describe("Shoppers who opened their status page from this step's email (once each)"),
    }),
  ),
});
type _ShopStatistics = Proof<Describes<typeof shopStatistics, ShopStatistics>>;
