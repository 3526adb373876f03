/**
 * Console routes. The API Gateway JWT authorizer (Cognito on AWS, the admin token locally) has already
 * authenticated the caller; the principal is still required here so a route wired without the authorizer
 * fails closed.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { apiHandler, json, textBody, type ApiRequest, type RouteHandler } from '../runtime/http';
import { logger } from '../runtime/logger';
import { IMPORT_MAX_BYTES } from '../domain/body-limits';
import { loadOnce } from '../runtime/load-once';

const loadApiKeyAdmin = loadOnce(() => import('../use-cases/api-key-admin'));
const loadProductAdmin = loadOnce(() => import('../use-cases/product-admin'));
const loadProductImport = loadOnce(() => import('../use-cases/product-import'));
const loadAdminBackorders = loadOnce(() => import('../use-cases/admin-backorders'));
const loadShopperBackorder = loadOnce(() => import('../use-cases/shopper-backorder'));
const loadCheckoutClaims = loadOnce(() => import('../use-cases/checkout-claims'));
const loadCustomerService = loadOnce(() => import('../use-cases/customer-service'));
const loadCampaignAdmin = loadOnce(() => import('../use-cases/campaign-admin'));
const loadWebhookAdmin = loadOnce(() => import('../use-cases/webhook-admin'));
const loadSupplierAdmin = loadOnce(() => import('../use-cases/supplier-admin'));
const loadAccess = loadOnce(() => import('../use-cases/access'));
const loadConsoleSession = loadOnce(() => import('../use-cases/console-session'));
const loadInventory = loadOnce(() => import('../use-cases/inventory'));
const loadBackorderSchema = loadOnce(() => import('../domain/backorder-schema'));
const loadValidation = loadOnce(() => import('../domain/validation'));
const loadPaidOrders = loadOnce(() => import('../use-cases/paid-orders'));
const loadShopStatistics = loadOnce(() => import('../use-cases/shop-statistics'));
const loadConnectorAdmin = loadOnce(() => import('../use-cases/connector-admin'));
const loadSupplierCsv = loadOnce(() => import('../domain/supplier-csv'));

/*
 * Each route loads its use-case module when it is first called, not when the function loads: a cold start
 * pays for what the request it serves needs (its stores, the AWS SDK clients they use, the template engine of
 * a preview), not for every route's. The bundle still holds them all (esbuild runs each module's body on its
 * first import).
 */
const apiKeyAdmin = () => loadApiKeyAdmin();
const productAdmin = () => loadProductAdmin();
const productImport = () => loadProductImport();
const adminBackorders = () => loadAdminBackorders();
const shopperBackorder = () => loadShopperBackorder();
const checkoutClaims = () => loadCheckoutClaims();
const customerService = () => loadCustomerService();
const campaignAdmin = () => loadCampaignAdmin();
const webhookAdmin = () => loadWebhookAdmin();
const supplierAdmin = () => loadSupplierAdmin();

/** Every console route: the caller must be one (401) whom lib/access.ts lets call this route (403). */
const authenticated =
  (route: (request: ApiRequest, principal: string) => ReturnType<RouteHandler>): RouteHandler =>
  async (request) => {
    const { admitCaller } = await loadAccess();
    const caller = await admitCaller(request.caller, request.routeKey);
    return route({ ...request, caller }, caller.principal);
  };

export const routes: Record<string, RouteHandler> = {
  'GET /api/admin/me': authenticated(async ({ caller }) => {
    const { whoIsCalling } = await loadConsoleSession();
    return json(200, whoIsCalling(caller!));
  }),

  'GET /api/admin/api-keys': authenticated(async () => json(200, await (await apiKeyAdmin()).allApiKeys())),

  'POST /api/admin/api-keys': authenticated(async ({ body }, principal) =>
    json(201, await (await apiKeyAdmin()).makeApiKey(body, principal)),
  ),

  'DELETE /api/admin/api-keys/{id}': authenticated(async ({ pathParameters }, principal) =>
    json(200, await (await apiKeyAdmin()).revokeApiKeyById(pathParameters.id, principal)),
  ),

  'GET /api/admin/settings': authenticated(async () =>
    json(200, await (await productAdmin()).siteSettingsForConsole()),
  ),

  'PUT /api/admin/settings': authenticated(async ({ body }, principal) =>
    json(200, await (await productAdmin()).saveSiteSettings(body, principal)),
  ),

  'GET /api/admin/products': authenticated(async ({ query }) =>
    json(200, await (await productAdmin()).productsForConsole(query.cursor)),
  ),

  'GET /api/admin/products/{sku}': authenticated(async ({ pathParameters }) =>
    json(200, await (await productAdmin()).productForConsole(pathParameters.sku)),
  ),

  'PUT /api/admin/products/{sku}': authenticated(async ({ pathParameters, body }) => {
    const { saveProductFromConsole } = await productAdmin();
    const { product, created } = await saveProductFromConsole(pathParameters.sku, body);
    return json(created ? 201 : 200, product);
  }),

  // The CSV file is the body (rawBodyRoutes below): read and checked whole, then imported by the import queue.
  'POST /api/admin/products/import': authenticated(async ({ headers, rawBytes }, principal) =>
    json(202, await (await productImport()).startProductImport(headers['content-type'], rawBytes, principal)),
  ),

  'GET /api/admin/imports/{id}': authenticated(async ({ pathParameters }) =>
    json(200, await (await productImport()).importReport(pathParameters.id)),
  ),

  'POST /api/admin/inventory': authenticated(async ({ body }) => {
    const { receiveInventory } = await loadInventory();
    return json(202, await receiveInventory(body));
  }),

  'GET /api/admin/backorders': authenticated(async ({ query }) =>
    json(200, await (await adminBackorders()).lookUpBackorders(query)),
  ),

  'POST /api/admin/backorders/{id}/cancel': authenticated(async ({ pathParameters }, principal) => {
    const [{ backorderById, adminView }, { cancelBackorder }] = await Promise.all([
      adminBackorders(),
      shopperBackorder(),
    ]);
    const backorder = await cancelBackorder(await backorderById(pathParameters.id), principal);
    return json(200, adminView(backorder));
  }),

  // The body is optional: the shop's order id and amount, for the revenue recovered.
  'POST /api/admin/backorders/{id}/fulfil': authenticated(async ({ pathParameters, body }, principal) => {
    const [{ backorderById, adminView }, { fulfilBackorder }, { fulfilmentSchema }, { parseOrThrow }] =
      await Promise.all([adminBackorders(), shopperBackorder(), loadBackorderSchema(), loadValidation()]);
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
    const { placePaidOrder } = await loadPaidOrders();
    const answer = await placePaidOrder(body, principal, { remainingMs });
    return json(answer.created ? 201 : 200, answer);
  }),

  'POST /api/admin/backorders/{id}/extend': authenticated(async ({ pathParameters, body }, principal) => {
    const [{ backorderById, adminView }, { extendBackorderHold }] = await Promise.all([
      adminBackorders(),
      checkoutClaims(),
    ]);
    const backorder = await extendBackorderHold(await backorderById(pathParameters.id), body, principal);
    return json(200, adminView(backorder));
  }),

  'POST /api/admin/claims/verify': authenticated(async ({ body }) =>
    json(200, await (await checkoutClaims()).verifyClaim(body)),
  ),

  'GET /api/admin/backorders/{id}': authenticated(async ({ pathParameters }) => {
    const [{ backorderById }, { backorderDetail }] = await Promise.all([
      adminBackorders(),
      customerService(),
    ]);
    return json(200, await backorderDetail(await backorderById(pathParameters.id)));
  }),

  'POST /api/admin/backorders/{id}/status-link': authenticated(
    async ({ pathParameters, event }, principal) => {
      const [{ backorderById }, { resendStatusLink }] = await Promise.all([
        adminBackorders(),
        customerService(),
      ]);
      const backorder = await backorderById(pathParameters.id);
      return json(202, await resendStatusLink(backorder, principal, event.requestContext.requestId));
    },
  ),

  'GET /api/admin/campaigns': authenticated(async () =>
    json(200, await (await campaignAdmin()).allCampaigns()),
  ),

  'GET /api/admin/campaigns/{id}': authenticated(async ({ pathParameters }) =>
    json(200, await (await campaignAdmin()).campaignById(pathParameters.id)),
  ),

  'PUT /api/admin/campaigns/{id}': authenticated(async ({ pathParameters, body }) => {
    const { saveCampaignFromConsole } = await campaignAdmin();
    const { campaign, created } = await saveCampaignFromConsole(pathParameters.id, body);
    return json(created ? 201 : 200, campaign);
  }),

  'DELETE /api/admin/campaigns/{id}': authenticated(async ({ pathParameters }) =>
    json(200, await (await campaignAdmin()).removeCampaign(pathParameters.id)),
  ),

  'POST /api/admin/campaigns/{id}/preview': authenticated(async ({ pathParameters, body }) =>
    json(200, await (await campaignAdmin()).previewSavedStep(pathParameters.id, body)),
  ),

  'POST /api/admin/campaigns/{id}/test': authenticated(async ({ pathParameters, body }) =>
    json(202, await (await campaignAdmin()).sendTestEmail(pathParameters.id, body)),
  ),

  'POST /api/admin/templates/preview': authenticated(async ({ body }) =>
    json(200, await (await campaignAdmin()).previewDraft(body)),
  ),

  'GET /api/admin/stats': authenticated(async ({ query }) => {
    const { shopStatistics } = await loadShopStatistics();
    return json(200, await shopStatistics(query));
  }),

  'GET /api/admin/emails': authenticated(async ({ query }) =>
    json(200, await (await customerService()).emailsSentToShopper(query.email)),
  ),

  'GET /api/admin/webhooks': authenticated(async () => json(200, await (await webhookAdmin()).allWebhooks())),

  'GET /api/admin/webhooks/{id}': authenticated(async ({ pathParameters }) =>
    json(200, await (await webhookAdmin()).webhookById(pathParameters.id)),
  ),

  'PUT /api/admin/webhooks/{id}': authenticated(async ({ pathParameters, body }) => {
    const { saveWebhookFromConsole } = await webhookAdmin();
    const { webhook, created } = await saveWebhookFromConsole(pathParameters.id, body);
    return json(created ? 201 : 200, webhook);
  }),

  'DELETE /api/admin/webhooks/{id}': authenticated(async ({ pathParameters }) =>
    json(200, await (await webhookAdmin()).removeWebhook(pathParameters.id)),
  ),

  'GET /api/admin/webhooks/{id}/deliveries': authenticated(async ({ pathParameters, query }) =>
    json(200, await (await webhookAdmin()).webhookDeliveries(pathParameters.id, query)),
  ),

  'GET /api/admin/connectors/{connector}/deliveries': authenticated(async ({ pathParameters }) => {
    const { connectorDeliveries } = await loadConnectorAdmin();
    return json(200, await connectorDeliveries(pathParameters.connector));
  }),

  'GET /api/admin/suppliers': authenticated(async () =>
    json(200, await (await supplierAdmin()).allSuppliers()),
  ),

  'GET /api/admin/suppliers/{id}': authenticated(async ({ pathParameters }) =>
    json(200, await (await supplierAdmin()).supplierById(pathParameters.id)),
  ),

  'PUT /api/admin/suppliers/{id}': authenticated(async ({ pathParameters, body }) => {
    const { saveSupplierFromConsole } = await supplierAdmin();
    const { supplier, created } = await saveSupplierFromConsole(pathParameters.id, body);
    return json(created ? 201 : 200, supplier);
  }),

  'POST /api/admin/suppliers/{id}/batches': authenticated(async ({ pathParameters }) =>
    json(201, await (await supplierAdmin()).sendSupplierBatchNow(pathParameters.id)),
  ),

  'GET /api/admin/suppliers/{id}/batches': authenticated(async ({ pathParameters, query }) =>
    json(200, await (await supplierAdmin()).supplierBatches(pathParameters.id, query)),
  ),

  'GET /api/admin/suppliers/{id}/batches/{batchId}/csv': authenticated(async ({ pathParameters }) => {
    const [{ supplierBatchCsvFile }, { CSV_CONTENT_TYPE }] = await Promise.all([
      supplierAdmin(),
      loadSupplierCsv(),
    ]);
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
