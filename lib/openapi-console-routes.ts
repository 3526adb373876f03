/**
 * What the OpenAPI document (lib/openapi.ts) says about each console route (`/api/admin/*`), in the form of
 * lib/openapi-routes.ts: request schemas are the very ones the handlers and use-cases parse with.
 */
import * as z from 'zod';
import { skuSchema } from '../lambdas/domain/backorder-schema';
import { campaignIdSchema, campaignSchema } from '../lambdas/domain/campaign-schema';
import { productSchema } from '../lambdas/domain/catalog';
import { CONNECTORS, settingsInputSchema } from '../lambdas/domain/connectors';
import { inventorySchema } from '../lambdas/domain/inventory-schema';
import { supplierIdSchema, supplierSchema } from '../lambdas/domain/supplier-schema';
import { webhookIdSchema, webhookSchemaFor } from '../lambdas/domain/webhook-schema';
import { listQuery } from '../lambdas/use-cases/admin-backorders';
import { BACKORDER_COLUMNS, backorderExportQuery, PRODUCT_COLUMNS } from '../lambdas/use-cases/csv-exports';
import { draftSchema, sampleSchema, stepRequest, testRequest } from '../lambdas/use-cases/campaign-admin';
import { statsQuery } from '../lambdas/use-cases/shop-statistics';
import { batchesQuery } from '../lambdas/use-cases/supplier-admin';
import { deliveriesQuery } from '../lambdas/use-cases/webhook-admin';
import * as answers from './openapi-console-responses';
import { connectorDeliveryList, consoleSettings } from './openapi-connector-responses';
import { accessRouteDocs } from './openapi-access';
import { inventoryReceipt } from './openapi-responses';
import { importRouteDocs } from './openapi-import';
import { orderRouteDocs } from './openapi-orders';
import { named, type Answer, type Named, type RouteDoc } from './openapi-routes';

const backorderId = { id: z.string().describe('The backorder id') };
const campaignId = { id: campaignIdSchema };
const webhookId = { id: webhookIdSchema };
const supplierId = { id: supplierIdSchema };

const ok = (description: string, body: Named): Answer[] => [{ status: 200, description, body }];
/** A streamed CSV download (lambdas/use-cases/csv-exports.ts). */
const csvFile = (description: string, name: string, fileName: string): Answer => ({
  status: 200,
  description,
  contentType: 'text/csv; charset=utf-8',
  body: named(name, z.string()),
  headers: { 'Content-Disposition': `attachment; filename="${fileName}"` },
});
/** A PUT that creates (201) or replaces (200) the thing at its path. */
const saved = (body: Named): Answer[] => [
  { status: 201, description: 'Created', body },
  { status: 200, description: 'Replaced', body },
];

const product = named('Product', answers.product);
const backorder = named('AdminBackorder', answers.adminBackorder);
const campaign = named('Campaign', answers.campaign);
const webhook = named('WebhookEndpoint', answers.webhookEndpoint);
const supplier = named('Supplier', answers.supplier);
const rendered = named('RenderedEmail', answers.renderedEmail);
const deleted = named('Deleted', answers.deleted);
const settings = named('SiteSettings', consoleSettings);
// A preview's `sample` is parsed by its own schema once the request is: the document shows both at once.
const previewSample = { sample: sampleSchema.describe('Sample data, or a real backorder ({"backorderId"})') };

export const consoleRouteDocs: Record<string, RouteDoc> = {
  ...accessRouteDocs,
  'GET /api/admin/settings': {
    tag: 'Settings',
    summary: 'Site settings',
    description: 'Backorder policy, double opt-in, sender; the defaults until saved once.',
    guard: 'admin',
    answers: ok('The settings', settings),
    errors: [],
  },
  'PUT /api/admin/settings': {
    tag: 'Settings',
    summary: 'Replace the site settings',
    description:
      "A store's secret changes only with `connectors.<store>.secret`; `null` disconnects it; left out (or as " +
      'GET shows it), it is kept. `checkout`: the URL template an allocated shopper is sent to (placeholders ' +
      '`{sku}`, `{quantity}`, `{claim}`) and how long units are held (ISO 8601, PT10S to P30D; default P2D); ' +
      'without a URL nothing is held (docs/orders.md).',
    guard: 'admin',
    body: named('SiteSettingsInput', settingsInputSchema),
    answers: ok('Saved', settings),
    errors: [],
  },
  'GET /api/admin/products': {
    tag: 'Products',
    summary: 'The catalogue, by SKU',
    guard: 'admin',
    query: z.object({ cursor: z.string().optional().describe('From the previous page') }),
    answers: ok('A page of products', named('ProductList', answers.productList)),
    errors: [400],
  },
  'GET /api/admin/products/{sku}': {
    tag: 'Products',
    summary: 'One product',
    guard: 'admin',
    path: { sku: skuSchema },
    answers: ok('The product', named('ProductDetail', answers.productDetail)),
    errors: [404],
  },
  'PUT /api/admin/products/{sku}': {
    tag: 'Products',
    summary: 'Create or replace a product',
    description:
      "Stock left out: a new product has none, an existing one keeps what it has. `checkout` overrides the site's " +
      'field by field.',
    guard: 'admin',
    path: { sku: skuSchema },
    body: named('ProductInput', productSchema),
    answers: saved(product),
    errors: [],
  },
  ...importRouteDocs,
  'POST /api/admin/inventory': {
    tag: 'Products',
    summary: 'Set free stock',
    description: 'The same as the ERP webhook, from the console, without a signature.',
    guard: 'admin',
    body: named('StockUpdate', inventorySchema),
    answers: [{ status: 202, description: 'Accepted', body: named('InventoryReceipt', inventoryReceipt) }],
    errors: [404],
  },
  'GET /api/admin/backorders': {
    tag: 'Backorders',
    summary: 'Look up backorders',
    description: 'By SKU, shopper or status, oldest first.',
    guard: 'admin',
    query: listQuery,
    answers: ok('A page of backorders', named('BackorderPage', answers.backorderList)),
    errors: [400],
  },
  'GET /api/admin/backorders/{id}': {
    tag: 'Backorders',
    summary: 'One backorder with its timeline',
    description: 'Its events, the emails sent about it and their fate, and the webhook deliveries.',
    guard: 'admin',
    path: backorderId,
    answers: ok('The backorder', named('BackorderDetail', answers.backorderDetailAnswer)),
    errors: [404],
  },
  'POST /api/admin/backorders/{id}/cancel': {
    tag: 'Backorders',
    summary: 'Cancel on behalf of a shopper',
    guard: 'admin',
    path: backorderId,
    answers: ok('Cancelled', backorder),
    errors: [404, 409],
  },
  ...orderRouteDocs,
  'POST /api/admin/backorders/{id}/status-link': {
    tag: 'Backorders',
    summary: 'Email the shopper a fresh status link',
    description: 'At most 5 per backorder and hour.',
    guard: 'admin',
    path: backorderId,
    answers: [
      { status: 202, description: 'Queued', body: named('StatusLinkQueued', answers.statusLinkQueued) },
    ],
    errors: [404, 429],
  },
  'GET /api/admin/emails': {
    tag: 'Backorders',
    summary: 'Emails sent to an address',
    description: 'The latest 100, newest first, with what SES reported after.',
    guard: 'admin',
    query: z.object({ email: z.string().max(254).describe('The address (case does not matter)') }),
    answers: ok('The emails', named('SentEmails', answers.sentEmailList)),
    errors: [400],
  },
  'GET /api/admin/campaigns': {
    tag: 'Campaigns',
    summary: 'Nurture campaigns',
    guard: 'admin',
    answers: ok('Every campaign', named('CampaignList', answers.campaignList)),
    errors: [],
  },
  'GET /api/admin/campaigns/{id}': {
    tag: 'Campaigns',
    summary: 'One campaign',
    guard: 'admin',
    path: campaignId,
    answers: ok('The campaign', campaign),
    errors: [404],
  },
  'PUT /api/admin/campaigns/{id}': {
    tag: 'Campaigns',
    summary: 'Create or replace a campaign',
    description:
      'Templates are checked (syntax, known variables, a trial render within the limits) before saving; ' +
      'activating it enrols the shoppers already waiting.',
    guard: 'admin',
    path: campaignId,
    body: named('CampaignInput', campaignSchema),
    answers: saved(campaign),
    errors: [],
  },
  'DELETE /api/admin/campaigns/{id}': {
    tag: 'Campaigns',
    summary: 'Delete a campaign',
    guard: 'admin',
    path: campaignId,
    answers: ok('Deleted', deleted),
    errors: [404],
  },
  'POST /api/admin/campaigns/{id}/preview': {
    tag: 'Campaigns',
    summary: 'Preview a saved step',
    description: 'Rendered with sample data, or with a real backorder’s.',
    guard: 'admin',
    path: campaignId,
    body: named('StepPreview', stepRequest.extend(previewSample)),
    answers: ok('The rendered email', rendered),
    errors: [404],
  },
  'POST /api/admin/campaigns/{id}/test': {
    tag: 'Campaigns',
    summary: 'Send a test of a step',
    description: 'The saved step, with the sample shopper, subject prefixed [Test].',
    guard: 'admin',
    path: campaignId,
    body: named('TestSend', testRequest),
    answers: [{ status: 202, description: 'Queued', body: named('TestQueued', answers.testQueued) }],
    errors: [404],
  },
  'POST /api/admin/templates/preview': {
    tag: 'Campaigns',
    summary: 'Preview an unsaved draft',
    description: 'Template errors come back as VALIDATION details with line and column.',
    guard: 'admin',
    body: named('TemplateDraft', draftSchema.extend(previewSample)),
    answers: ok('The rendered email', rendered),
    errors: [],
  },
  'GET /api/admin/webhooks': {
    tag: 'Webhooks',
    summary: 'Outbound webhook endpoints',
    guard: 'admin',
    answers: ok('Every endpoint', named('WebhookList', answers.webhookList)),
    errors: [],
  },
  'GET /api/admin/webhooks/{id}': {
    tag: 'Webhooks',
    summary: 'One endpoint',
    guard: 'admin',
    path: webhookId,
    answers: ok('The endpoint', webhook),
    errors: [404],
  },
  'PUT /api/admin/webhooks/{id}': {
    tag: 'Webhooks',
    summary: 'Create or replace an endpoint',
    description:
      'The URL must be public https (the local runner also allows loopback http); the secret is write-only.',
    guard: 'admin',
    path: webhookId,
    body: named('WebhookInput', webhookSchemaFor({ allowLoopback: false })),
    answers: saved(webhook),
    errors: [],
  },
  'DELETE /api/admin/webhooks/{id}': {
    tag: 'Webhooks',
    summary: 'Delete an endpoint',
    guard: 'admin',
    path: webhookId,
    answers: ok('Deleted', deleted),
    errors: [404],
  },
  'GET /api/admin/webhooks/{id}/deliveries': {
    tag: 'Webhooks',
    summary: "An endpoint's deliveries",
    description: 'Newest first, with state, attempts and the last answer.',
    guard: 'admin',
    path: webhookId,
    query: deliveriesQuery,
    answers: ok('A page of deliveries', named('DeliveryPage', answers.deliveryPage)),
    errors: [400, 404],
  },
  'GET /api/admin/connectors/{connector}/deliveries': {
    tag: 'Store connectors',
    summary: "A store's latest deliveries",
    description:
      'The newest 50 (kept 7 days), accepted or refused and why; unsigned ones of one minute share a row.',
    guard: 'admin',
    path: { connector: z.enum(CONNECTORS) },
    answers: ok('The deliveries', named('ConnectorDeliveries', connectorDeliveryList)),
    errors: [404],
  },
  'GET /api/admin/suppliers': {
    tag: 'Suppliers',
    summary: 'Suppliers',
    guard: 'admin',
    answers: ok('Every supplier', named('SupplierList', answers.supplierList)),
    errors: [],
  },
  'GET /api/admin/suppliers/{id}': {
    tag: 'Suppliers',
    summary: 'One supplier',
    guard: 'admin',
    path: supplierId,
    answers: ok('The supplier', supplier),
    errors: [404],
  },
  'PUT /api/admin/suppliers/{id}': {
    tag: 'Suppliers',
    summary: 'Create or replace a supplier',
    guard: 'admin',
    path: supplierId,
    body: named('SupplierInput', supplierSchema),
    answers: saved(supplier),
    errors: [],
  },
  'POST /api/admin/suppliers/{id}/batches': {
    tag: 'Suppliers',
    summary: 'Send a batch now',
    description: 'Whatever its minimum units: an empty batch too.',
    guard: 'admin',
    path: supplierId,
    answers: [{ status: 201, description: 'Sent', body: named('SupplierBatch', answers.supplierBatch) }],
    errors: [404],
  },
  'GET /api/admin/suppliers/{id}/batches': {
    tag: 'Suppliers',
    summary: 'Past batches',
    description: 'Newest first, with their lines.',
    guard: 'admin',
    path: supplierId,
    query: batchesQuery,
    answers: ok('A page of batches', named('BatchPage', answers.batchPage)),
    errors: [400, 404],
  },
  'GET /api/admin/suppliers/{id}/batches/{batchId}/csv': {
    tag: 'Suppliers',
    summary: "A batch's CSV",
    guard: 'admin',
    path: { ...supplierId, batchId: z.string().describe('The batch id') },
    answers: [
      {
        status: 200,
        description: 'The CSV the supplier received',
        contentType: 'text/csv; charset=utf-8',
        body: named('BatchCsv', z.string()),
        headers: { 'Content-Disposition': 'attachment; filename="<file name>"' },
      },
    ],
    errors: [404],
  },
  'GET /api/admin/products.csv': {
    tag: 'Products',
    summary: 'Every product as CSV, streamed',
    description:
      'RFC 4180 (CRLF, header row first), UTF-8; a cell starting with `= + - @`, a tab or a CR gets a leading ' +
      "`'`. Sent page by page as it is read (no `Content-Length`): an error after the first byte breaks the " +
      'download off, so a file that ends cleanly is complete. Columns: `' +
      PRODUCT_COLUMNS.join(',') +
      '`; `backordersEnabled` and `maxPerCustomer` are empty for a product that follows the site policy.',
    guard: 'admin',
    answers: [csvFile('Every product', 'ProductsCsv', 'products-<day>.csv')],
    errors: [],
  },
  'GET /api/admin/backorders.csv': {
    tag: 'Backorders',
    summary: 'Backorders as CSV, streamed',
    description:
      "Every backorder, or a SKU's, or of a status, oldest first; an empty `sku` or `status` is no filter, an " +
      'unknown SKU an empty file (its header row), any other parameter 400. Written and sent as the products ' +
      'CSV is. Columns: `' +
      BACKORDER_COLUMNS.join(',') +
      '`; `position` only while waiting; `kind` is `reservation`, `holdUntil` and `orderId` empty for now.',
    guard: 'admin',
    query: backorderExportQuery,
    answers: [csvFile('The backorders', 'BackordersCsv', 'backorders[-<sku>][-<status>]-<day>.csv')],
    errors: [400],
  },
  'GET /api/admin/stats': {
    tag: 'Statistics',
    summary: 'Shop statistics',
    description:
      'Per product, email and nurture step, from counters; `days` of daily waiting units and of the funnel from alert to order (`period`).',
    guard: 'admin',
    query: statsQuery,
    answers: ok('The figures', named('ShopStatistics', answers.shopStatistics)),
    errors: [400],
  },
};
