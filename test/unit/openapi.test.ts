/**
 * The OpenAPI document (lib/openapi.ts, committed as docs/openapi.json): every route of lib/platform.ts is in
 * it and nothing else, the committed file is what the generator builds now (a schema changed without
 * `npm run openapi` fails here), it is a valid OpenAPI 3.1 document, and its schemas are the handlers' own.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { routeKey, routes } from '../../lib/platform';
import { checkRouteDocs, jsonSchemaOf, openApiDocument, routeDocs } from '../../lib/openapi';
import { committedOpenApi } from '../../lib/openapi-file';
import { signupSchema } from '../../lambdas/domain/backorder-schema';
import { campaignSchema } from '../../lambdas/domain/campaign-schema';
import { listQuery } from '../../lambdas/use-cases/admin-backorders';

type Json = Record<string, any>;

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];

/** "GET /api/products/{sku}" for every operation of a document. */
const operationsOf = (document: Json): string[] =>
  Object.entries(document.paths as Record<string, Json>).flatMap(([path, item]) =>
    Object.keys(item)
      .filter((key) => METHODS.includes(key))
      .map((method) => `${method.toUpperCase()} ${path}`),
  );

const committed = committedOpenApi() as Json;

/**
 * @apidevtools/swagger-parser's verdict (the OpenAPI 3.1 schema, then the spec's own rules: path parameters
 * declared, operation ids unique…). It is ESM only, which jest's module loader cannot require, so it runs in
 * a plain Node process: the document goes in on stdin, the verdict comes out on stdout.
 */
const VALIDATOR = `
import SwaggerParser from '@apidevtools/swagger-parser';
let text = '';
for await (const chunk of process.stdin) text += chunk;
try {
  await SwaggerParser.validate(JSON.parse(text));
  process.stdout.write('valid');
} catch (error) {
  process.stdout.write(String(error.message));
}`;

const validate = (document: object): Promise<string> =>
  new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      ['--input-type=module', '-e', VALIDATOR],
      { cwd: path.join(__dirname, '..', '..'), maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout)),
    );
    child.stdin!.end(JSON.stringify(document));
  });

describe('the OpenAPI document', () => {
  test('has every declared route and no other, in the committed file as in the generator', () => {
    const declared = routes.map(routeKey).sort();
    expect(operationsOf(committed).sort()).toEqual(declared);
    expect(operationsOf(openApiDocument()).sort()).toEqual(declared);
  });

  test('the committed docs/openapi.json is what `npm run openapi` writes now', () => {
    // Its formatting is prettier's, which `npm run lint` checks with every other file.
    expect(committed).toEqual(openApiDocument());
  });

  test('is a valid OpenAPI 3.1 document', async () => {
    expect(committed.openapi).toBe('3.1.0');
    expect(await validate(committed)).toBe('valid');
  });

  test('the validator does refuse a broken document', async () => {
    const broken = structuredClone(committed);
    broken.paths['/api/health'].get.responses = 'none';
    expect(await validate(broken)).toMatch(/validation failed/i);
  });

  test('the generator refuses a declared route without a description, and a description of no route', () => {
    const extraRoute = {
      method: 'GET',
      path: '/api/nowhere',
      function: 'publicApi',
      auth: 'public',
    } as const;
    expect(() => openApiDocument([...routes, extraRoute])).toThrow(
      'Routes without a description: GET /api/nowhere',
    );
    const extraDoc = { ...routeDocs, 'GET /api/nowhere': routeDocs['GET /api/health'] };
    expect(() => checkRouteDocs(routes, extraDoc)).toThrow('not declared: GET /api/nowhere');
  });

  test('request schemas are the ones the use-cases parse with', () => {
    const schemas = committed.components.schemas;
    const signup = committed.paths['/api/backorders'].post.requestBody.content['application/json'].schema;
    expect(signup).toEqual({ $ref: '#/components/schemas/Signup' });
    expect(schemas.Signup).toEqual(jsonSchemaOf(signupSchema, 'input'));
    expect(schemas.Signup).toMatchObject({
      required: ['sku', 'email'],
      additionalProperties: false,
      properties: { quantity: { type: 'integer', minimum: 1, default: 1 } },
    });
    expect(schemas.CampaignInput).toEqual(jsonSchemaOf(campaignSchema, 'input'));
    const lookup = committed.paths['/api/admin/backorders'].get.parameters;
    expect(lookup.map((p: Json) => p.name)).toEqual(Object.keys(listQuery.shape));
    expect(lookup.find((p: Json) => p.name === 'limit')).toMatchObject({
      in: 'query',
      required: false,
      schema: { type: 'integer', minimum: 1, maximum: 200 },
    });
  });

  test('each route says who may call it', () => {
    for (const route of routes) {
      const operation = committed.paths[route.path][route.method.toLowerCase()];
      const schemes = operation.security.flatMap((requirement: Json) => Object.keys(requirement));
      const expected =
        route.auth === 'admin'
          ? ['bearerAuth']
          : route.path === '/api/webhooks/inventory'
            ? ['signature']
            : route.path === '/api/webhooks/shopify'
              ? ['shopifySignature']
              : route.path === '/api/webhooks/woocommerce'
                ? ['wooCommerceSignature']
                : /^\/api\/backorders\/\{id\}|^\/r\/\{id\}$/.test(route.path)
                  ? ['linkToken', 'linkTokenQuery']
                  : [];
      expect({ route: routeKey(route), schemes }).toEqual({ route: routeKey(route), schemes: expected });
      if (route.auth === 'admin') expect(operation.responses['401']).toBeDefined();
    }
    expect(committed.components.securitySchemes.signature).toMatchObject({
      type: 'apiKey',
      in: 'header',
      name: 'X-Signature',
    });
  });

  test('every error answer is the contract error shape, with its codes', () => {
    const { responses, schemas } = committed.components;
    expect(schemas.Error).toMatchObject({
      required: ['error'],
      properties: { error: { required: ['code', 'message', 'details'] } },
    });
    for (const [, response] of Object.entries(responses as Record<string, Json>))
      expect(response.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Error' });
    expect(responses.Conflict.description).toMatch(/BACKORDERS_DISABLED.*QUANTITY_LIMIT.*CONFLICT/);
    expect(responses.RateLimited.headers['Retry-After']).toBeDefined();
    const signup = committed.paths['/api/backorders'].post.responses;
    expect(Object.keys(signup)).toEqual([
      '200',
      '201',
      '400',
      '403',
      '404',
      '409',
      '413',
      '415',
      '429',
      '503',
    ]);
  });
});
