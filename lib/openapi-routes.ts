/**
 * What the OpenAPI document (lib/openapi.ts) says about each shopper and ERP route: a summary, who may call it,
 * its parameters, the zod schema its use-case parses the body with (imported, never copied) and what it
 * answers. The console's routes are in lib/openapi-console-routes.ts. The routes themselves, and which
 * function and authorizer serve them, come from lib/platform.ts alone; lib/openapi.ts refuses a declared
 * route without a description here, and a description of a route that is not declared.
 */
import * as z from 'zod';
import { signupSchema, skuSchema } from '../lambdas/domain/backorder-schema';
import { inventorySchema } from '../lambdas/domain/inventory-schema';
import { productIdSchema } from '../lambdas/domain/catalog';
import {
  MAX_STORE_BODY_BYTES,
  shopifyProductSchema,
  wooCommerceProductSchema,
} from '../lambdas/domain/store-webhooks';
import { linksRequest } from '../lambdas/use-cases/shopper-links';
import {
  cancelAnswer,
  keptAnswer,
  erasedAnswer,
  inventoryReceipt,
  newSignupAnswer,
  productPageAnswer,
  productVariantsAnswer,
  repeatedSignupAnswer,
  shopperBackorder,
  shopperData,
} from './openapi-responses';
import { storeDeliveryAnswer } from './openapi-connector-responses';

/**
 * How a caller proves they may: nobody needs to (`none`), a backorder's link token (`link`, page or email
 * link; `emailLink`, an email link only), the console's bearer token (`admin`), the ERP's HMAC signature,
 * a store's own signature (`shopifySignature`, `wooCommerceSignature`).
 */
export type Guard =
  'none' | 'link' | 'emailLink' | 'admin' | 'signature' | 'shopifySignature' | 'wooCommerceSignature';

/** A schema with the name it has under components/schemas. */
export interface Named {
  name: string;
  schema: z.ZodType;
}

export const named = (name: string, schema: z.ZodType): Named => ({ name, schema });

export interface Answer {
  status: number;
  description: string;
  body?: Named;
  /** Default application/json. */
  contentType?: string;
  /** Response headers worth knowing: name → what it says. */
  headers?: Record<string, string>;
}

export interface RouteDoc {
  tag: string;
  summary: string;
  description?: string;
  guard: Guard;
  /** Schemas of path parameters by name; a parameter without one is any string. */
  path?: Record<string, z.ZodType>;
  /** The query parameters, as the use-case's own schema when it has one. */
  query?: z.ZodObject;
  body?: Named;
  /** The body's media type when it is not JSON (a CSV file: `text/csv`, its schema a string). */
  bodyContentType?: string;
  /** The body may be left out (it defaults to `{}`). */
  bodyOptional?: boolean;
  /** Also accepts `application/x-www-form-urlencoded` (RFC 8058 one-click unsubscribe). */
  formBody?: z.ZodObject;
  answers: Answer[];
  /**
   * Error statuses beyond those every route of its kind answers: lib/openapi.ts adds 403 and 503 to all, 401
   * to the console's and the ERP's, 404 to a backorder link's, and 400, 413 and 415 to every method but GET.
   */
  errors: number[];
}

const backorderId = z.string().describe('The backorder id (26 characters, as in its links)');

/** The CORS preflight a browser sends before the storefront embed calls `route` from a shop's page. */
const preflightOf = (route: string): RouteDoc => ({
  tag: 'Storefront embed',
  summary: `CORS preflight of ${route}`,
  description:
    'Answers 204. From an origin listed in the settings (`embed.allowedOrigins`): ' +
    '`Access-Control-Allow-Origin` with that origin, the allowed method and `content-type`; from any other ' +
    'origin, no CORS header, so the browser does not send the request.',
  guard: 'none',
  answers: [
    {
      status: 204,
      description: 'Preflight answered',
      headers: {
        'Access-Control-Allow-Origin': 'The calling origin, only when the shop allows it',
        'Access-Control-Allow-Methods': 'The route method',
        'Access-Control-Allow-Headers': 'content-type',
        'Access-Control-Max-Age': 'Seconds a browser may reuse this answer (600)',
        Vary: 'Origin',
      },
    },
  ],
  errors: [],
});

/** What both store webhooks share: 200 whenever the signature holds and the body is the store's. */
const storeWebhook = {
  tag: 'Store connectors',
  answers: [{ status: 200, description: 'Received', body: named('StoreDelivery', storeDeliveryAnswer) }],
  errors: [],
} satisfies Partial<RouteDoc>;

export const shopperRouteDocs: Record<string, RouteDoc> = {
  'GET /api/health': {
    tag: 'Platform',
    summary: 'Health check',
    description: 'Reads the site settings: 200 once the function reaches its data.',
    guard: 'none',
    answers: [
      { status: 200, description: 'Ready', body: named('Health', z.object({ ok: z.literal(true) })) },
    ],
    errors: [],
  },
  'GET /api/openapi.json': {
    tag: 'Platform',
    summary: 'This document',
    description:
      'The OpenAPI 3.1 description of every route, generated from the schemas the API validates with.',
    guard: 'none',
    answers: [
      {
        status: 200,
        description: 'The OpenAPI document',
        body: named('OpenApiDocument', z.record(z.string(), z.unknown())),
      },
    ],
    errors: [],
  },
  'GET /api/products/{sku}': {
    tag: 'Shopper',
    summary: "A product's landing page data",
    description: 'Name, expected restock date and whether (and for whom) backorders are open.',
    guard: 'none',
    path: { sku: skuSchema },
    answers: [{ status: 200, description: 'The product', body: named('ProductPage', productPageAnswer) }],
    errors: [404],
  },
  'GET /api/products/by-product/{productId}': {
    tag: 'Shopper',
    summary: "A product's variants",
    description:
      'The SKUs that share this product id, with their options and whether each takes backorders: the ' +
      "storefront embed's variant picker.",
    guard: 'none',
    path: { productId: productIdSchema },
    answers: [
      { status: 200, description: 'The variants', body: named('ProductVariants', productVariantsAnswer) },
    ],
    errors: [404],
  },
  'POST /api/backorders': {
    tag: 'Shopper',
    summary: 'Sign up for a backorder',
    description:
      'Joins the queue of the product. A new backorder answers 201 with its page link (reads and cancels it); ' +
      'the same address again while its backorder is active answers 200 and says nothing about it. ' +
      "`timeZone` (IANA, as the browser says) is the zone emails show a hold's end in; absent: UTC.",
    guard: 'none',
    body: named('Signup', signupSchema),
    answers: [
      { status: 201, description: 'Signed up', body: named('NewSignup', newSignupAnswer) },
      { status: 200, description: 'Already signed up', body: named('RepeatedSignup', repeatedSignupAnswer) },
    ],
    errors: [404, 409, 429],
  },
  'GET /api/backorders/{id}': {
    tag: 'Shopper',
    summary: "A backorder's status",
    description:
      'Status, place in the queue, the hold while allocated, and history. Any link of the backorder.',
    guard: 'link',
    path: { id: backorderId },
    query: z.object({
      via: z
        .string()
        .optional()
        .describe(
          "`<campaign>~<step>`: the page was opened from that nurture step's email (counted once per backorder, " +
            'only if that email was sent to this backorder)',
        ),
    }),
    answers: [
      { status: 200, description: 'The backorder', body: named('ShopperBackorder', shopperBackorder) },
    ],
    errors: [404],
  },
  'POST /api/backorders/{id}/cancel': {
    tag: 'Shopper',
    summary: 'Cancel a backorder',
    description: 'Repeatable; 409 CONFLICT once fulfilled. Any link of the backorder. No body.',
    guard: 'link',
    path: { id: backorderId },
    answers: [{ status: 200, description: 'Cancelled', body: named('Cancelled', cancelAnswer) }],
    errors: [404, 409],
  },
  'POST /api/backorders/{id}/keep': {
    tag: 'Shopper',
    summary: 'Keep my place after the expected date slipped',
    description:
      "The answer to an expected-date update that asked whether the shopper still wants to wait (the date moved more than the site's `etaSlip.askAfterDays` past the one they signed up under). Keeping is what happens when they do nothing, so it is repeatable and harmless: 200 for any waiting backorder, recorded and counted once per ask; 409 CONFLICT once it is not waiting. Any link of the backorder. No body.",
    guard: 'link',
    path: { id: backorderId },
    answers: [{ status: 200, description: 'The place is kept', body: named('Kept', keptAnswer) }],
    errors: [404, 409],
  },
  'GET /api/backorders/{id}/export': {
    tag: 'Shopper data',
    summary: "Download the shopper's data",
    description:
      'Everything kept about the shopper of this backorder, as a JSON attachment. Email links only (403 otherwise).',
    guard: 'emailLink',
    path: { id: backorderId },
    answers: [
      {
        status: 200,
        description: "The shopper's data",
        body: named('ShopperData', shopperData),
        headers: { 'Content-Disposition': 'attachment; filename="backorder-data-<id>.json"' },
      },
    ],
    errors: [404],
  },
  'DELETE /api/backorders/{id}': {
    tag: 'Shopper data',
    summary: "Erase the shopper's data",
    description:
      'Erases the personal data of the shopper of this backorder everywhere; repeating it answers the same. ' +
      'Email links only (403 otherwise).',
    guard: 'emailLink',
    path: { id: backorderId },
    answers: [{ status: 200, description: 'Erased', body: named('Erased', erasedAnswer) }],
    errors: [404],
  },
  'GET /r/{id}': {
    tag: 'Shopper',
    summary: '"Complete your order"',
    description:
      "The link in an allocated shopper's restock alert and reminder (`/r/{id}?token=`). While the units are " +
      "held: records the first click, then 302 to the shop's checkout URL (settings or product `checkout.url`) " +
      'with `{sku}`, `{quantity}` and `{claim}` filled in; the target is only ever that template. Otherwise ' +
      '(ordered, expired, cancelled, no checkout URL): 302 to the status page. See docs/orders.md.',
    guard: 'link',
    path: { id: backorderId },
    answers: [
      {
        status: 302,
        description: "To the shop's checkout, or to the status page",
        headers: {
          Location: 'The filled checkout URL, or `/status?id=<id>#token=<token>`',
          'Cache-Control': 'no-store',
          'Referrer-Policy': 'no-referrer: the checkout does not see the link and its token',
        },
      },
    ],
    errors: [404],
  },
  'POST /api/links': {
    tag: 'Shopper data',
    summary: 'Email me my links',
    description:
      'Always 202, whether or not the address has backorders; the address gets one email with a link per ' +
      'active backorder (3 per hour at most).',
    guard: 'none',
    body: named('LinksRequest', linksRequest),
    answers: [
      { status: 202, description: 'Accepted', body: named('Accepted', z.object({ ok: z.literal(true) })) },
    ],
    errors: [429],
  },
  'OPTIONS /api/products/{sku}': { ...preflightOf('GET /api/products/{sku}'), path: { sku: skuSchema } },
  'OPTIONS /api/products/by-product/{productId}': {
    ...preflightOf('GET /api/products/by-product/{productId}'),
    path: { productId: productIdSchema },
  },
  'OPTIONS /api/backorders': preflightOf('POST /api/backorders'),
  'OPTIONS /api/links': preflightOf('POST /api/links'),
  'POST /api/unsubscribe': {
    tag: 'Shopper',
    summary: 'Unsubscribe from marketing email',
    description:
      'RFC 8058 one-click: mail clients post `List-Unsubscribe=One-Click` as a form; the page posts nothing.',
    guard: 'none',
    query: z.object({ token: z.string().describe("The unsubscribe link's token") }),
    formBody: z.object({ 'List-Unsubscribe': z.literal('One-Click') }),
    answers: [
      {
        status: 200,
        description: 'Unsubscribed',
        body: named('Unsubscribed', z.object({ unsubscribed: z.literal(true) })),
      },
    ],
    errors: [404],
  },
  'GET /api/confirm': {
    tag: 'Shopper',
    summary: 'Confirm marketing consent (double opt-in)',
    description:
      'Opened from the confirmation email: confirms, then sends the browser to the confirm page with the ' +
      'outcome (`confirmed`, `not-waiting` or `invalid`).',
    guard: 'none',
    query: z.object({ token: z.string().describe("The confirmation link's token") }),
    answers: [
      { status: 303, description: 'To /confirm?result=…', headers: { Location: '/confirm?result=…' } },
    ],
    errors: [],
  },
  'POST /api/webhooks/inventory': {
    tag: 'ERP',
    summary: 'Stock update from the ERP',
    description:
      'Sets the free units of one product (`sku`, `available`) or many (`updates`); allocation to the oldest ' +
      'waiting backorders follows within seconds. An `eventId` (or the same signed request again) applies once.',
    guard: 'signature',
    body: named('StockUpdate', inventorySchema),
    answers: [{ status: 202, description: 'Accepted', body: named('InventoryReceipt', inventoryReceipt) }],
    errors: [404],
  },
  'POST /api/webhooks/shopify': {
    ...storeWebhook,
    summary: "Shopify's products/update webhook",
    description:
      "Each variant with a `sku` and an `inventory_quantity` sets that product's free units (below 0: 0); " +
      'unknown SKUs and variants without one are ignored, as are figures the store already said and ' +
      'states older than the last applied (`updated_at`). `X-Shopify-Webhook-Id` dedupes: the same delivery ' +
      `again answers 200 and changes nothing. Bodies up to ${MAX_STORE_BODY_BYTES / 1024 / 1024} MiB. Allocation ` +
      'follows as for the ERP. See docs/connectors.md.',
    guard: 'shopifySignature',
    body: named('ShopifyProduct', shopifyProductSchema),
  },
  'POST /api/webhooks/woocommerce': {
    ...storeWebhook,
    summary: "WooCommerce's product.updated webhook",
    description:
      "The product's (or variation's) `sku` and `stock_quantity` set its free units; `null` (stock not " +
      'managed) is ignored. `X-WC-Webhook-Delivery-ID` (with the body) dedupes. The ping WooCommerce sends ' +
      'when a webhook is saved (form body `webhook_id=<id>`, unsigned) answers 200 and changes nothing. ' +
      `Bodies up to ${MAX_STORE_BODY_BYTES / 1024 / 1024} MiB. See docs/connectors.md.`,
    guard: 'wooCommerceSignature',
    body: named('WooCommerceProduct', wooCommerceProductSchema),
    formBody: z.object({ webhook_id: z.string().describe("The ping: the new webhook's id") }),
  },
};
