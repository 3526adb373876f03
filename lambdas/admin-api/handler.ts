/**
 * Console routes. The API Gateway JWT authorizer (Cognito on AWS, the admin token locally) has already
 * authenticated the caller; the principal is still required here so a route wired without the authorizer
 * fails closed.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { receiveInventory } from '../use-cases/inventory';
import { UnauthorizedError } from '../runtime/errors';
import { apiHandler, json, textBody, type ApiRequest, type RouteHandler } from '../runtime/http';
import { logger } from '../runtime/logger';
import {
  productForConsole,
  productsForConsole,
  saveProductFromConsole,
  saveSiteSettings,
  siteSettingsForConsole,
} from '../use-cases/product-admin';
import { adminView, backorderById, lookUpBackorders } from '../use-cases/admin-backorders';
import { cancelBackorder, fulfilBackorder } from '../use-cases/shopper-backorder';
import { backorderDetail, emailsSentToShopper, resendStatusLink } from '../use-cases/customer-service';
import {
  allCampaigns,
  campaignById,
  previewDraft,
  previewSavedStep,
  removeCampaign,
  saveCampaignFromConsole,
  sendTestEmail,
} from '../use-cases/campaign-admin';
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

const principalOf = (request: ApiRequest): string => {
  if (!request.principal) throw new UnauthorizedError();
  return request.principal;
};

const authenticated =
  (route: (request: ApiRequest, principal: string) => ReturnType<RouteHandler>): RouteHandler =>
  (request) =>
    route(request, principalOf(request));

export const routes: Record<string, RouteHandler> = {
  'GET /api/admin/settings': authenticated(async () => json(200, await siteSettingsForConsole())),

  'PUT /api/admin/settings': authenticated(async ({ body }, principal) =>
    json(200, await saveSiteSettings(body, principal)),
  ),

  'GET /api/admin/products': authenticated(async ({ query }) =>
    json(200, await productsForConsole(query.cursor)),
  ),

  'GET /api/admin/products/{sku}': authenticated(async ({ pathParameters }) =>
    json(200, await productForConsole(pathParameters.sku)),
  ),

  'PUT /api/admin/products/{sku}': authenticated(async ({ pathParameters, body }) => {
    const { product, created } = await saveProductFromConsole(pathParameters.sku, body);
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

  'GET /api/admin/campaigns': authenticated(async () => json(200, await allCampaigns())),

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

  'GET /api/admin/emails': authenticated(async ({ query }) =>
    json(200, await emailsSentToShopper(query.email)),
  ),

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
