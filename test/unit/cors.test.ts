/**
 * The CORS rule (lambdas/domain/cors.ts) and the per-instance cache its allowed origins are read through
 * (lambdas/runtime/recent.ts). The HTTP matrix is test/http/cors.test.ts.
 */
import { corsHeaders, isWebOrigin, PREFLIGHT_MAX_AGE_SECONDS } from '../../lambdas/domain/cors';
import { recent } from '../../lambdas/runtime/recent';

const allowedOrigins = ['https://shop.example', 'http://localhost:8080'];

describe('corsHeaders', () => {
  test.each([
    ['/api/products/TEE-1', 'GET'],
    ['/api/products/by-product/TEE', 'GET'],
    ['/api/backorders', 'POST'],
    ['/api/links', 'POST'],
  ])('%s from an allowed origin: that origin, and on a preflight the method %s', (path, method) => {
    expect(corsHeaders({ path, origin: 'https://shop.example', preflight: false, allowedOrigins })).toEqual({
      vary: 'Origin',
      'access-control-allow-origin': 'https://shop.example',
      'access-control-expose-headers': 'Retry-After',
    });
    expect(corsHeaders({ path, origin: 'http://localhost:8080', preflight: true, allowedOrigins })).toEqual({
      vary: 'Origin',
      'access-control-allow-origin': 'http://localhost:8080',
      'access-control-allow-methods': method,
      'access-control-allow-headers': 'content-type',
      'access-control-max-age': String(PREFLIGHT_MAX_AGE_SECONDS),
    });
  });

  test.each([
    ['another origin', '/api/backorders', 'https://evil.example'],
    ['a look-alike origin', '/api/backorders', 'https://shop.example.evil.example'],
    ['no origin', '/api/backorders', undefined],
    ['"null"', '/api/backorders', 'null'],
    ['a status read', '/api/backorders/01HX', 'https://shop.example'],
    ['a cancel', '/api/backorders/01HX/cancel', 'https://shop.example'],
    ['an export', '/api/backorders/01HX/export', 'https://shop.example'],
    ['an admin route', '/api/admin/settings', 'https://shop.example'],
    ['a product path with more segments', '/api/products/TEE-1/extra', 'https://shop.example'],
    ['a path that only starts like one', '/api/backordersX', 'https://shop.example'],
  ])('%s: Vary: Origin and nothing else', (_label, path, origin) => {
    for (const preflight of [false, true])
      expect(corsHeaders({ path, origin, preflight, allowedOrigins })).toEqual({ vary: 'Origin' });
  });

  test('an empty list allows nobody', () => {
    expect(
      corsHeaders({
        path: '/api/backorders',
        origin: 'https://shop.example',
        preflight: true,
        allowedOrigins: [],
      }),
    ).toEqual({ vary: 'Origin' });
  });
});

describe('isWebOrigin', () => {
  test.each([
    'https://shop.example',
    'http://localhost:8080',
    'https://xn--bcher-kva.example',
    'https://[::1]:8443',
  ])('%s is one', (value) => expect(isWebOrigin(value)).toBe(true));
  test.each([
    'https://shop.example/',
    'https://shop.example/path',
    'https://Shop.example',
    'https://shop.example:443',
    'https://user@shop.example',
    'https://shop.example?x=1',
    'ftp://shop.example',
    'javascript:alert(1)',
    'null',
    '*',
    '',
    'shop.example',
  ])('%s is not', (value) => expect(isWebOrigin(value)).toBe(false));
});

describe('recent', () => {
  test('loads once within its age, again after it, and forgets on demand', async () => {
    let loads = 0;
    const value = recent(async () => ++loads, 1000);
    expect(await value.get(0)).toBe(1);
    expect(await value.get(999)).toBe(1);
    expect(await value.get(1000)).toBe(2);
    value.forget();
    expect(await value.get(1001)).toBe(3);
  });

  test('a failed load is not kept: the next call tries again', async () => {
    let loads = 0;
    const value = recent(async () => {
      loads += 1;
      if (loads === 1) throw new Error('DynamoDB is unavailable');
      return 'settings';
    }, 60_000);
    await expect(value.get(0)).rejects.toThrow('unavailable');
    expect(await value.get(1)).toBe('settings');
    expect(loads).toBe(2);
  });
});
