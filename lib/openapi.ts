/**
 * The OpenAPI 3.1 document of the HTTP API, built from the one list of routes (lib/platform.ts), the route
 * descriptions (lib/openapi-routes.ts, lib/openapi-console-routes.ts) and the zod schemas the handlers parse
 * with, turned into JSON Schema by zod itself (`z.toJSONSchema`). `npm run openapi` writes it to
 * docs/openapi.json, which the apiDocs function serves at GET /api/openapi.json; test/unit/openapi.test.ts
 * fails when that file is not what this module builds now.
 */
import * as z from 'zod';
import packageJson from '../package.json';
import {
  BackordersDisabledError,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  PayloadTooLargeError,
  QuantityLimitError,
  RateLimitedError,
  ServiceUnavailableError,
  UnauthorizedError,
  UnsupportedMediaTypeError,
  ValidationError,
  type ContractError,
} from '../lambdas/runtime/errors';
import { MAX_BODY_BYTES } from '../lambdas/runtime/http';
import { SIGNATURE_TOLERANCE_SECONDS } from '../lambdas/runtime/signature';
import { consoleRouteDocs } from './openapi-console-routes';
import { errorBody } from './openapi-responses';
import { shopperRouteDocs, type Guard, type Named, type RouteDoc } from './openapi-routes';
import { routeKey, routes as declaredRoutes, type RouteDefinition } from './platform';
import { routeAccess } from './access';

type Json = Record<string, unknown>;

export const routeDocs: Readonly<Record<string, RouteDoc>> = { ...shopperRouteDocs, ...consoleRouteDocs };

/** The order tags are shown in, with what each covers. */
const TAGS: Record<string, string> = {
  Shopper: 'The landing page, signup, the status page, consent',
  'Shopper data': "The shopper's own data: links by email, download, erase",
  'Storefront embed':
    "CORS preflights of the routes a shop's own pages may call (settings embed.allowedOrigins)",
  ERP: "The shop's ERP: signed stock updates",
  'Store connectors': "Shopify's and WooCommerce's stock webhooks, signed with the store's secret",
  Settings: 'Console: site-wide policy and sender',
  Products: 'Console: the catalogue and free stock',
  Backorders: 'Console: customer service',
  Campaigns: 'Console: nurture campaigns and their emails',
  Webhooks: "Console: the shop's outbound webhook endpoints",
  Suppliers: 'Console: suppliers and their batches',
  Statistics: "Console: the dashboard's figures",
  Access: 'Who is calling; API keys for machines (admins only)',
  Platform: 'Health and this document',
};

/** A zod schema as JSON Schema, as it is sent (`input`) or as it is answered (`output`). */
export const jsonSchemaOf = (schema: z.ZodType, io: 'input' | 'output'): Json => {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    io,
    // Refinements (no control characters, real dates…) have no JSON Schema form: the schema says the rest.
    unrepresentable: 'any',
    // A property that may hold `undefined` is left out of the JSON: marked here, made optional below.
    override: (ctx) => {
      const def = ctx.zodSchema._zod.def;
      if (def.type === 'undefined') ctx.jsonSchema.not = {};
      // An address is checked by a pipe into z.email() after trimming: as sent, it is still an email address.
      const format = def.type === 'pipe' ? (def.out._zod.def as { format?: unknown }).format : undefined;
      if (io === 'input' && typeof format === 'string') ctx.jsonSchema.format = format;
    },
  }) as Json;
  return optionalWhereUndefined(rest);
};

const isUndefinedMark = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && 'not' in value && Object.keys(value).length === 1;

/** `{anyOf: [X, undefined]}` properties become optional X. */
const optionalWhereUndefined = (node: Json): Json => {
  for (const value of Object.values(node)) {
    if (Array.isArray(value))
      value.forEach((item) => typeof item === 'object' && optionalWhereUndefined(item));
    else if (typeof value === 'object' && value !== null) optionalWhereUndefined(value as Json);
  }
  const properties = node.properties as Record<string, Json> | undefined;
  for (const [name, property] of Object.entries(properties ?? {})) {
    const anyOf = property.anyOf as unknown[] | undefined;
    if (!anyOf?.some(isUndefinedMark)) continue;
    const rest = anyOf.filter((member) => !isUndefinedMark(member));
    properties![name] = rest.length === 1 ? (rest[0] as Json) : { anyOf: rest };
    node.required = (node.required as string[]).filter((key) => key !== name);
  }
  return node;
};

const ERRORS_BY_STATUS: Record<number, { name: string; when: string; errors: ContractError[] }> = {
  400: {
    name: 'BadRequest',
    when: 'a body, query or path that is not valid; `details` names each field',
    errors: [new ValidationError('')],
  },
  401: {
    name: 'Unauthorized',
    when:
      'no valid credentials: the console bearer token, or the webhook signature. (On AWS the JWT authorizer ' +
      'answers itself, with `{"message":"Unauthorized"}`.)',
    errors: [new UnauthorizedError()],
  },
  403: {
    name: 'Forbidden',
    when: 'the request did not come through the site, or a page link was used where an email link is needed',
    errors: [new ForbiddenError()],
  },
  404: {
    name: 'NotFound',
    when: 'no such product, backorder or record; a wrong or expired token looks the same',
    errors: [new NotFoundError()],
  },
  409: {
    name: 'Conflict',
    when: "the backorder's state forbids it, or the product does not take this backorder",
    errors: [new BackordersDisabledError(''), new QuantityLimitError(1), new ConflictError('')],
  },
  413: {
    name: 'PayloadTooLarge',
    when: `a body over the route's limit: ${MAX_BODY_BYTES / 1024} KiB, or 1 MiB where the route says so (a CSV import, a store's webhook)`,
    errors: [new PayloadTooLargeError(MAX_BODY_BYTES)],
  },
  415: {
    name: 'UnsupportedMediaType',
    when: 'a body that is not application/json',
    errors: [new UnsupportedMediaTypeError()],
  },
  429: {
    name: 'RateLimited',
    when: 'too many requests; come back after Retry-After',
    errors: [new RateLimitedError(1)],
  },
  503: {
    name: 'Unavailable',
    when: 'AWS throttled or was briefly unavailable (locally: the runner is starting); nothing changed, retry after Retry-After',
    errors: [new ServiceUnavailableError()],
  },
};

const retryAfterHeader = { 'Retry-After': { description: 'Seconds to wait', schema: { type: 'integer' } } };

const errorResponses = (): Json =>
  Object.fromEntries(
    Object.entries(ERRORS_BY_STATUS).map(([status, { name, when, errors }]) => {
      const wrong = errors.filter((error) => error.status !== Number(status));
      if (wrong.length > 0) throw new Error(`${wrong[0].code} is not a ${status}`);
      const codes = errors.map((error) => `\`${error.code}\``).join(', ');
      return [
        name,
        {
          description: `${codes}: ${when}.`,
          ...(errors.some((error) => 'Retry-After' in error.headers) ? { headers: retryAfterHeader } : {}),
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
        },
      ];
    }),
  );

const signatureHeader = 'X-Signature';

const securitySchemes = {
  bearerAuth: {
    type: 'http',
    scheme: 'bearer',
    description:
      "Console staff: a Cognito ID token on AWS (the role is the user's group: admin, marketer or support), a " +
      "role's token locally (`ADMIN_TOKEN`, `MARKETER_TOKEN`, `SUPPORT_TOKEN`). Machines: an API key " +
      '(`bo_…`, made in the console) whose scopes cover the route. Each admin operation names who may call it ' +
      'in `x-access`; anyone else gets 403.',
  },
  linkToken: {
    type: 'http',
    scheme: 'bearer',
    description: "A backorder's link token, from its status link (`/status?id=…#token=…`).",
  },
  linkTokenQuery: {
    type: 'apiKey',
    in: 'query',
    name: 'token',
    description: 'The same link token, as `?token=`.',
  },
  shopifySignature: {
    type: 'apiKey',
    in: 'header',
    name: 'X-Shopify-Hmac-Sha256',
    description:
      "Base64 HMAC-SHA256 of the raw body with the store's secret (settings `connectors.shopify.secret`).",
  },
  wooCommerceSignature: {
    type: 'apiKey',
    in: 'header',
    name: 'X-WC-Webhook-Signature',
    description:
      "Base64 HMAC-SHA256 of the raw body with the store's secret (settings `connectors.woocommerce.secret`).",
  },
  signature: {
    type: 'apiKey',
    in: 'header',
    name: signatureHeader,
    description:
      '`t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>` with the shared secret; t within ' +
      `${SIGNATURE_TOLERANCE_SECONDS} s of now; several v1= values are accepted while the secret is rotated.`,
  },
};

const SECURITY: Record<Guard, Json[]> = {
  none: [],
  link: [{ linkToken: [] }, { linkTokenQuery: [] }],
  emailLink: [{ linkToken: [] }, { linkTokenQuery: [] }],
  admin: [{ bearerAuth: [] }],
  signature: [{ signature: [] }],
  shopifySignature: [{ shopifySignature: [] }],
  wooCommerceSignature: [{ wooCommerceSignature: [] }],
};

/** "POST /api/backorders/{id}/cancel" → "postBackordersByIdCancel". */
const operationId = (route: RouteDefinition): string =>
  route.method.toLowerCase() +
  route.path
    .replace(/^\/api\//, '')
    .split(/[/.]/)
    .map((part) => {
      const parameter = /^\{(\w+)\}$/.exec(part);
      const word = parameter ? `by-${parameter[1]}` : part;
      return word.replace(/(^|-)(\w)/g, (_, _dash, letter: string) => letter.toUpperCase());
    })
    .join('');

/** Named schemas, checked so that one name never stands for two different schemas. */
class Components {
  readonly schemas: Record<string, Json> = { Error: jsonSchemaOf(errorBody, 'output') };
  private readonly sources = new Map<string, z.ZodType>();

  ref(named: Named, io: 'input' | 'output'): Json {
    const json = jsonSchemaOf(named.schema, io);
    const known = this.schemas[named.name];
    if (
      known &&
      (this.sources.get(named.name) !== named.schema || JSON.stringify(known) !== JSON.stringify(json))
    )
      throw new Error(`Two different schemas are both named ${named.name}`);
    this.schemas[named.name] = json;
    this.sources.set(named.name, named.schema);
    return { $ref: `#/components/schemas/${named.name}` };
  }
}

const parametersOf = (route: RouteDefinition, doc: RouteDoc): Json[] => {
  const names = [...route.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]);
  const inPath = names.map((name) => {
    const { description, ...schema } = jsonSchemaOf(doc.path?.[name] ?? z.string(), 'input');
    return { name, in: 'path', required: true, ...(description ? { description } : {}), schema };
  });
  const query = doc.query ? jsonSchemaOf(doc.query, 'input') : { properties: {} };
  const required = new Set((query.required as string[] | undefined) ?? []);
  const inQuery = Object.entries(query.properties as Record<string, Json>).map(([name, property]) => {
    const { description, ...schema } = property;
    return {
      name,
      in: 'query',
      required: required.has(name),
      ...(description ? { description } : {}),
      schema,
    };
  });
  return [...inPath, ...inQuery];
};

/** Who may call an admin route, from the one table the admin functions enforce (lib/access.ts). */
const accessOf = (key: string): Json => {
  const access = routeAccess[key];
  if (!access) throw new Error(`${key} has no row in lib/access.ts`);
  return { roles: ['admin', ...access.roles], apiKeyScope: access.scope ?? null };
};

const operationOf = (route: RouteDefinition, doc: RouteDoc, components: Components): Json => {
  const takesBody = route.method !== 'GET' && route.method !== 'OPTIONS';
  const errors = new Set([403, 503, ...doc.errors]);
  if (['admin', 'signature', 'shopifySignature', 'wooCommerceSignature'].includes(doc.guard)) errors.add(401);
  if (doc.guard === 'emailLink' || doc.guard === 'link') errors.add(404);
  if (takesBody) errors.add(400);
  if (takesBody) [413, 415].forEach((status) => errors.add(status));
  const content: Json = {};
  if (doc.body)
    content[doc.bodyContentType ?? 'application/json'] = { schema: components.ref(doc.body, 'input') };
  if (doc.formBody)
    content['application/x-www-form-urlencoded'] = { schema: jsonSchemaOf(doc.formBody, 'input') };
  const responses: Json = {};
  for (const answer of doc.answers) {
    responses[answer.status] = {
      description: answer.description,
      ...(answer.headers
        ? {
            headers: Object.fromEntries(
              Object.entries(answer.headers).map(([name, value]) => [
                name,
                { description: value, schema: { type: 'string' } },
              ]),
            ),
          }
        : {}),
      ...(answer.body
        ? {
            content: {
              [answer.contentType ?? 'application/json']: { schema: components.ref(answer.body, 'output') },
            },
          }
        : {}),
    };
  }
  for (const status of [...errors].sort((a, b) => a - b)) {
    const known = ERRORS_BY_STATUS[status];
    if (!known) throw new Error(`${routeKey(route)}: no error response for status ${status}`);
    responses[status] = { $ref: `#/components/responses/${known.name}` };
  }
  return {
    tags: [doc.tag],
    summary: doc.summary,
    ...(doc.description ? { description: doc.description } : {}),
    operationId: operationId(route),
    security: SECURITY[doc.guard],
    ...(doc.guard === 'emailLink' ? { 'x-email-link-only': true } : {}),
    ...(doc.guard === 'admin' ? { 'x-access': accessOf(routeKey(route)) } : {}),
    parameters: parametersOf(route, doc),
    ...(Object.keys(content).length > 0
      ? { requestBody: { required: !!doc.body && !doc.bodyOptional, content } }
      : {}),
    responses,
  };
};

/** Fails when a declared route has no description, or a description names a route that is not declared. */
export const checkRouteDocs = (
  routes: readonly RouteDefinition[] = declaredRoutes,
  docs: Readonly<Record<string, RouteDoc>> = routeDocs,
): void => {
  const declared = new Set(routes.map(routeKey));
  const undescribed = [...declared].filter((key) => !(key in docs));
  const undeclared = Object.keys(docs).filter((key) => !declared.has(key));
  if (undescribed.length > 0) throw new Error(`Routes without a description: ${undescribed.join(', ')}`);
  if (undeclared.length > 0)
    throw new Error(`Described routes that are not declared: ${undeclared.join(', ')}`);
  const unknownTags = Object.values(docs).filter((doc) => !(doc.tag in TAGS));
  if (unknownTags.length > 0) throw new Error(`Unknown tag ${unknownTags[0].tag}`);
};

/** The OpenAPI 3.1 document of every route declared in lib/platform.ts. */
export const openApiDocument = (
  routes: readonly RouteDefinition[] = declaredRoutes,
  docs: Readonly<Record<string, RouteDoc>> = routeDocs,
): Json => {
  checkRouteDocs(routes, docs);
  const components = new Components();
  const paths: Record<string, Json> = {};
  for (const route of routes) {
    paths[route.path] ??= {};
    paths[route.path][route.method.toLowerCase()] = operationOf(route, docs[routeKey(route)], components);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Backorder platform API',
      version: packageJson.version,
      description:
        'Shopper, ERP and console routes of the backorder platform. Errors are always ' +
        '`{"error":{"code","message","details":[{"path","message"}]}}`. Bodies are JSON, at most ' +
        `${MAX_BODY_BYTES / 1024} KiB, except a CSV import and the stores' webhooks (1 MiB). Generated from lib/platform.ts and the schemas the API validates with.`,
    },
    servers: [{ url: '/', description: 'The site: pages and /api/* share one origin' }],
    tags: Object.entries(TAGS).map(([name, description]) => ({ name, description })),
    paths,
    components: { schemas: components.schemas, responses: errorResponses(), securitySchemes },
  };
};
