/**
 * Console routes. The API Gateway JWT authorizer (Cognito on AWS, the admin token locally) has already
 * authenticated the caller; the principal is still required here so a route wired without the authorizer
 * fails closed.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { receiveInventory } from '../use-cases/inventory';
import { admitCaller } from '../use-cases/access';
import { allApiKeys, makeApiKey, revokeApiKeyById } from '../use-cases/api-key-admin';
import { whoIsCalling } from '../use-cases/console-session';
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
import { connectorDeliveries } from '../use-cases/connector-admin';
import { CSV_CONTENT_TYPE } from '../domain/supplier-csv';
import { IMPORT_MAX_BYTES } from '../domain/product-csv';
import { importReport, startProductImport } from '../use-cases/product-import';
import { placePaidOrder } from '../use-cases/paid-orders';
import { extendBackorderHold, verifyClaim } from '../use-cases/checkout-claims';
import { fulfilmentSchema } from '../domain/backorder-schema';
import { parseOrThrow } from '../domain/validation';

/** Every console route: the caller must be one (401) whom lib/access.ts lets call this route (403). */
const authenticated =
  (route: (request: ApiRequest, principal: string) => ReturnType<RouteHandler>): RouteHandler =>
  async (request) => {
    const caller = await admitCaller(request.caller, request.routeKey);
    return route({ ...request, caller }, caller.principal);
  };

export const routes: Record<string, RouteHandler> = {
  'GET /api/admin/me': authenticated(async ({ caller }) => json(200, whoIsCalling(caller!))),

  'GET /api/admin/api-keys': authenticated(async () => json(200, await allApiKeys())),

  'POST /api/admin/api-keys': authenticated(async ({ body }, principal) =>
    json(201, await makeApiKey(body, principal)),
  ),

  'DELETE /api/admin/api-keys/{id}': authenticated(async ({ pathParameters }, principal) =>
    json(200, await revokeApiKeyById(pathParameters.id, principal)),
  ),

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

  // The CSV file is the body (rawBodyRoutes below): read and checked whole, then imported by the import queue.
  'POST /api/admin/products/import': authenticated(async ({ headers, rawBytes }, principal) =>
    json(202, await startProductImport(headers['content-type'], rawBytes, principal)),
  ),

  'GET /api/admin/imports/{id}': authenticated(async ({ pathParameters }) =>
    json(200, await importReport(pathParameters.id)),
  ),

  'POST /api/admin/inventory': authenticated(async ({ body }) => json(202, await receiveInventory(body))),

  'GET /api/admin/backorders': authenticated(async ({ query }) => json(200, await lookUpBackorders(query))),

  'POST /api/admin/backorders/{id}/cancel': authenticated(async ({ pathParameters }, principal) => {
    const backorder = await cancelBackorder(await backorderById(pathParameters.id), principal);
    return json(200, adminView(backorder));
  }),

  // The body is optional: the shop's order id and amount, for the revenue recovered.
  'POST /api/admin/backorders/{id}/fulfil': authenticated(async ({ pathParameters, body }, principal) => {
    const fulfilment =
      body === undefined || body === null ? {} : parseOrThrow(fulfilmentSchema, body, 'fulfilment');
    const order = fulfilment.orderId ? { id: fulfilment.orderId, amount: fulfilment.amount } : undefined;
    const backorder = await fulfilBackorder(
      await backorderById(pathParameters.id),
      principal,
      Date.now(),
      order,
    );
    return json(200, adminView(backorder));
  }),

  'POST /api/admin/backorders': authenticated(async ({ body, remainingMs }, principal) => {
    const answer = await placePaidOrder(body, principal, { remainingMs });
    return json(answer.created ? 201 : 200, answer);
  }),

  'POST /api/admin/backorders/{id}/extend': authenticated(async ({ pathParameters, body }, principal) => {
    const backorder = await extendBackorderHold(await backorderById(pathParameters.id), body, principal);
    return json(200, adminView(backorder));
  }),

  'POST /api/admin/claims/verify': authenticated(async ({ body }) => json(200, await verifyClaim(body))),

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

  'GET /api/admin/connectors/{connector}/deliveries': authenticated(async ({ pathParameters }) =>
    json(200, await connectorDeliveries(pathParameters.connector)),
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

const api = apiHandler(routes, {
  // A product CSV file up to 1 MiB, read by the route itself (its media type, its bytes as UTF-8).
  rawBodyRoutes: { 'POST /api/admin/products/import': { maxBytes: IMPORT_MAX_BYTES } },
});
export const dispatch = api.dispatch;
export const handler = api.handler.use(injectLambdaContext(logger));
