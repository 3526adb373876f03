/**
 * Shopper routes: product data for the landing page, signup, status, cancel, the shopper's data (export and
 * erasure), and the health check.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { dynamo } from '../shared/dynamo';
import { tableName } from '../shared/config';
import { apiHandler, json, logger, redirect, type RouteHandler } from '../shared/http';
import { signUp } from '../use-cases/signup';
import { cancelBackorder, findWithToken, shopperView } from '../use-cases/shopper-backorder';
import { productPage } from '../use-cases/product-page';
import { eraseShopperData, exportFileName, exportShopperData } from '../use-cases/shopper-data';
import { confirmMarketingConsent, unsubscribe } from '../use-cases/marketing-consent';
import { NotFoundError } from '../shared/errors';

export const routes: Record<string, RouteHandler> = {
  'GET /api/health': async () => {
    // Proves the function can reach its data, not just that it is deployed.
    await dynamo.send(new GetCommand({ TableName: tableName('settings'), Key: { name: 'site' } }));
    return json(200, { ok: true });
  },

  'GET /api/products/{sku}': async ({ pathParameters }) => json(200, await productPage(pathParameters.sku)),

  'POST /api/backorders': async ({ body, sourceIp }) => {
    const { created, backorder } = await signUp(body, sourceIp);
    return json(created ? 201 : 200, backorder);
  },

  'GET /api/backorders/{id}': async ({ pathParameters, query }) =>
    json(200, await shopperView(await findWithToken(pathParameters.id, query.token))),

  // Everything stored about the shopper, as a file to keep.
  'GET /api/backorders/{id}/export': async ({ pathParameters, query }) => {
    const backorder = await findWithToken(pathParameters.id, query.token);
    return json(200, await exportShopperData(backorder), {
      'content-disposition': `attachment; filename="${exportFileName(backorder.id)}"`,
    });
  },

  // Erases the shopper's personal data everywhere; repeating it answers the same (and completes a half-done one).
  'DELETE /api/backorders/{id}': async ({ pathParameters, query }) =>
    json(200, await eraseShopperData(pathParameters.id, query.token)),

  'POST /api/backorders/{id}/cancel': async ({ pathParameters, query }) => {
    const backorder = await findWithToken(pathParameters.id, query.token);
    const cancelled = await cancelBackorder(backorder, 'shopper');
    return json(200, { id: cancelled.id, status: cancelled.status });
  },

  // RFC 8058 one-click: mail clients POST "List-Unsubscribe=One-Click" as a form; the page posts nothing.
  'POST /api/unsubscribe': async ({ query }) => {
    await unsubscribe(query.token);
    return json(200, { unsubscribed: true });
  },

  // Opened from the confirmation email in a browser: confirm, then show the outcome on the confirm page.
  'GET /api/confirm': async ({ query }) => {
    let result: string;
    try {
      result = await confirmMarketingConsent(query.token);
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
      result = 'invalid';
    }
    return redirect(`/confirm?result=${result}`);
  },
};

const api = apiHandler(routes, { formRoutes: ['POST /api/unsubscribe'] });
export const dispatch = api.dispatch;
export const handler = api.handler.use(injectLambdaContext(logger));
