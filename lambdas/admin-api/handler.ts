/**
 * Console routes. The API Gateway JWT authorizer (Cognito on AWS, the admin token locally) has already
 * authenticated the caller; the principal is still required here so a route wired without the authorizer
 * fails closed.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { receiveInventory } from '../use-cases/inventory';
import { defaultSender } from '../runtime/config';
import { NotFoundError, UnauthorizedError, ValidationError } from '../runtime/errors';
import { apiHandler, json, textBody, type ApiRequest, type RouteHandler } from '../runtime/http';
import { logger } from '../runtime/logger';
import { productSchema, siteSettingsSchema } from '../domain/catalog';
import { skuSchema } from '../domain/backorder-schema';
import { defaultSiteSettings } from '../domain/site-defaults';
import { parseOrThrow } from '../domain/validation';
import { getProduct, getSiteSettings, listProducts } from '../store/catalog-store';
import { saveProductFromConsole, saveSiteSettings } from '../use-cases/product-admin';
import { adminView, backorderById, lookUpBackorders } from '../use-cases/admin-backorders';
import { cancelBackorder, fulfilBackorder } from '../use-cases/shopper-backorder';
import { backorderDetail, resendStatusLink } from '../use-cases/customer-service';
import {
  campaignById,
  previewDraft,
  previewSavedStep,
  removeCampaign,
  saveCampaignFromConsole,
  sendTestEmail,
} from '../use-cases/campaign-admin';
import { listCampaigns } from '../store/campaign-store';
import { shopStatistics } from '../use-cases/shop-statistics';
import {
  allWebhooks,
  removeWebhook,
  saveWebhookFromConsole,
  webhookById,
  webhookDeliveries,
} from '../use-cases/webhook-admin';
import {
  allSuppliers,
  saveSupplierFromConsole,
  sendSupplierBatchNow,
  supplierBatchCsvFile,
  supplierBatches,
  supplierById,
} from '../use-cases/supplier-admin';
import { CSV_CONTENT_TYPE } from '../domain/supplier-csv';
import { emailsSentTo } from '../store/sent-emails-store';
import { normalizeEmail } from '../domain/backorder';

const principalOf = (request: ApiRequest): string => {
  if (!request.principal) throw new UnauthorizedError();
  return request.principal;
};

const validSku = (raw: string): string => {
  const sku = skuSchema.safeParse(raw);
  if (!sku.success) throw new NotFoundError(`Product ${raw} not found`);
  return sku.data;
};

const authenticated =
  (route: (request: ApiRequest, principal: string) => ReturnType<RouteHandler>): RouteHandler =>
  (request) =>
    route(request, principalOf(request));

export const routes: Record<string, RouteHandler> = {
  'GET /api/admin/settings': authenticated(async () =>
    json(200, (await getSiteSettings()) ?? defaultSiteSettings(defaultSender())),
  ),

  'PUT /api/admin/settings': authenticated(async ({ body }, principal) => {
    const settings = parseOrThrow(siteSettingsSchema, body, 'settings');
    await saveSiteSettings(settings, principal);
    return json(200, settings);
  }),

  'GET /api/admin/products': authenticated(async ({ query }) => json(200, await listProducts(query.cursor))),

  'GET /api/admin/products/{sku}': authenticated(async ({ pathParameters }) => {
    const product = await getProduct(validSku(pathParameters.sku));
    if (!product) throw new NotFoundError(`Product ${pathParameters.sku} not found`);
    return json(200, product);
  }),

  'PUT /api/admin/products/{sku}': authenticated(async ({ pathParameters, body }) => {
    const sku = parseOrThrow(skuSchema, pathParameters.sku, 'SKU');
    const input = parseOrThrow(productSchema, body, 'product');
    const { product, created } = await saveProductFromConsole(sku, input);
    return json(created ? 201 : 200, product);
  }),

  'POST /api/admin/inventory': authenticated(async ({ body }) => json(202, await receiveInventory(body))),

  'GET /api/admin/backorders': authenticated(async ({ query }) => json(200, await lookUpBackorders(query))),

  'POST /api/admin/backorders/{id}/cancel': authenticated(async ({ pathParameters }, principal) => {
    const backorder = await cancelBackorder(await backorderById(pathParameters.id), principal);
    return json(200, adminView(backorder));
  }),

  'POST /api/admin/backorders/{id}/fulfil': authenticated(async ({ pathParameters }, principal) => {
    const backorder = await fulfilBackorder(await backorderById(pathParameters.id), principal);
    return json(200, adminView(backorder));
  }),

  'GET /api/admin/backorders/{id}': authenticated(async ({ pathParameters }) =>
    json(200, await backorderDetail(await backorderById(pathParameters.id))),
  ),

  'POST /api/admin/backorders/{id}/status-link': authenticated(
    async ({ pathParameters, event }, principal) => {
      const backorder = await backorderById(pathParameters.id);
      return json(202, await resendStatusLink(backorder, principal, event.requestContext.requestId));
    },
  ),

  'GET /api/admin/campaigns': authenticated(async () => json(200, { items: await listCampaigns() })),

  'GET /api/admin/campaigns/{id}': authenticated(async ({ pathParameters }) =>
    json(200, await campaignById(pathParameters.id)),
  ),

  'PUT /api/admin/campaigns/{id}': authenticated(async ({ pathParameters, body }) => {
    const { campaign, created } = await saveCampaignFromConsole(pathParameters.id, body);
    return json(created ? 201 : 200, campaign);
  }),

  'DELETE /api/admin/campaigns/{id}': authenticated(async ({ pathParameters }) =>
    json(200, await removeCampaign(pathParameters.id)),
  ),

  'POST /api/admin/campaigns/{id}/preview': authenticated(async ({ pathParameters, body }) =>
    json(200, await previewSavedStep(pathParameters.id, body)),
  ),

  'POST /api/admin/campaigns/{id}/test': authenticated(async ({ pathParameters, body }) =>
    json(202, await sendTestEmail(pathParameters.id, body)),
  ),

  'POST /api/admin/templates/preview': authenticated(async ({ body }) => json(200, await previewDraft(body))),

  'GET /api/admin/stats': authenticated(async ({ query }) => json(200, await shopStatistics(query))),

  'GET /api/admin/emails': authenticated(async ({ query }) => {
    if (!query.email || query.email.length > 254) {
      throw new ValidationError('Say whose emails to list', [{ path: 'email', message: 'required' }]);
    }
    return json(200, { items: await emailsSentTo(normalizeEmail(query.email)) });
  }),

  'GET /api/admin/webhooks': authenticated(async () => json(200, await allWebhooks())),

  'GET /api/admin/webhooks/{id}': authenticated(async ({ pathParameters }) =>
    json(200, await webhookById(pathParameters.id)),
  ),

  'PUT /api/admin/webhooks/{id}': authenticated(async ({ pathParameters, body }) => {
    const { webhook, created } = await saveWebhookFromConsole(pathParameters.id, body);
    return json(created ? 201 : 200, webhook);
  }),

  'DELETE /api/admin/webhooks/{id}': authenticated(async ({ pathParameters }) =>
    json(200, await removeWebhook(pathParameters.id)),
  ),

  'GET /api/admin/webhooks/{id}/deliveries': authenticated(async ({ pathParameters, query }) =>
    json(200, await webhookDeliveries(pathParameters.id, query)),
  ),

  'GET /api/admin/suppliers': authenticated(async () => json(200, await allSuppliers())),

  'GET /api/admin/suppliers/{id}': authenticated(async ({ pathParameters }) =>
    json(200, await supplierById(pathParameters.id)),
  ),

  'PUT /api/admin/suppliers/{id}': authenticated(async ({ pathParameters, body }) => {
    const { supplier, created } = await saveSupplierFromConsole(pathParameters.id, body);
    return json(created ? 201 : 200, supplier);
  }),

  'POST /api/admin/suppliers/{id}/batches': authenticated(async ({ pathParameters }) =>
    json(201, await sendSupplierBatchNow(pathParameters.id)),
  ),

  'GET /api/admin/suppliers/{id}/batches': authenticated(async ({ pathParameters, query }) =>
    json(200, await supplierBatches(pathParameters.id, query)),
  ),

  'GET /api/admin/suppliers/{id}/batches/{batchId}/csv': authenticated(async ({ pathParameters }) => {
    const { fileName, csv } = await supplierBatchCsvFile(pathParameters.id, pathParameters.batchId);
    return textBody(200, csv, CSV_CONTENT_TYPE, {
      'content-disposition': `attachment; filename="${fileName}"`,
    });
  }),
};

const api = apiHandler(routes);
export const dispatch = api.dispatch;
export const handler = api.handler.use(injectLambdaContext(logger));
