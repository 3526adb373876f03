/**
 * The API's own description over HTTP: GET /api/openapi.json answers the committed docs/openapi.json, which
 * names every route of lib/platform.ts, to anyone and without a token; the readable rendering at /api-docs/
 * is served with its script from this origin. A few live answers are checked against the schemas the
 * document was built from, so the document describes what the API really sends.
 */
import { routeKey, routes } from '../../lib/platform';
import { committedOpenApi } from '../../lib/openapi-file';
import { newSignupAnswer, productPageAnswer, shopperBackorder, errorBody } from '../../lib/openapi-responses';
import { startTestPlatform, type TestPlatform } from '../support/platform';
import { expectError, linkParts, newProduct, signUp } from './helpers';

let platform: TestPlatform;
beforeAll(async () => {
  platform = await startTestPlatform();
});
afterAll(async () => platform?.stop());

describe('GET /api/openapi.json', () => {
  test('answers the committed document, as JSON a browser may keep a few minutes', async () => {
    const response = await platform.request('GET', '/api/openapi.json');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('public, max-age=300');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.body).toEqual(committedOpenApi());
  });

  test('names every declared route, with its method, and no other', async () => {
    const { body } = await platform.request('GET', '/api/openapi.json');
    const documented = Object.entries(body.paths as Record<string, Record<string, unknown>>).flatMap(
      ([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(documented.sort()).toEqual(routes.map(routeKey).sort());
  });

  test('is read-only: another method is an unknown route in the contract shape', async () => {
    expectError(await platform.request('POST', '/api/openapi.json', { json: {} }), 404, 'NOT_FOUND');
  });
});

describe('live answers match the documented schemas', () => {
  test('a product page, a signup and a status read', async () => {
    const sku = await newProduct(platform, 'openapi');
    const page = await platform.request('GET', `/api/products/${sku}`);
    expect(productPageAnswer.strict().safeParse(page.body).error).toBeUndefined();

    const signup = await signUp(platform, { sku, email: 'openapi@example.com' });
    expect(signup.status).toBe(201);
    expect(newSignupAnswer.strict().safeParse(signup.body).error).toBeUndefined();

    const { id, token } = linkParts(signup.body.statusUrl);
    const status = await platform.request('GET', `/api/backorders/${id}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(status.status).toBe(200);
    expect(shopperBackorder.strict().safeParse(status.body).error).toBeUndefined();
  });

  test('an error answer', async () => {
    const refused = await signUp(platform, { sku: 'NO-SUCH-SKU', email: 'x' });
    expect(refused.status).toBe(400);
    expect(errorBody.strict().safeParse(refused.body).error).toBeUndefined();
  });
});

describe('the readable rendering', () => {
  test('/api-docs/ is a page whose only script is this origin’s api-docs.js', async () => {
    const page = await platform.request('GET', '/api-docs/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const scripts = [...String(page.body).matchAll(/<script\b[^>]*>/g)].map((match) => match[0]);
    expect(scripts).toEqual(['<script type="module" src="/assets/api-docs.js">']);
    const script = await platform.request('GET', '/assets/api-docs.js');
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
  });
});
