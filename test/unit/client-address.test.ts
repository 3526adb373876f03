/**
 * The API functions' edge, without the network: a request must carry CloudFront's origin secret before
 * anything else happens; the client address then comes from CloudFront-Viewer-Address; and the signup rate
 * limit counts an IPv4 client per address, an IPv6 client per /64, an IPv4-mapped one as its IPv4 address.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { ORIGIN_VERIFY_HEADER } from '../../lib/platform';
import { canonicalAddress, clientAddress, viewerAddress } from '../../lambdas/runtime/client-address';
import { apiHandler, type ApiRequest } from '../../lambdas/runtime/http';
import { verifyOrigin } from '../../lambdas/runtime/origin-verify';
import { clientRateKey } from '../../lambdas/use-cases/rate-limit';

const SECRET = 'origin-secret-of-this-test';

describe('the signup rate-limit key of a client', () => {
  test.each([
    ['198.51.100.7', '198.51.100.7'],
    // IPv4-mapped IPv6, as a dual-stack socket reports an IPv4 client: the IPv4 address itself.
    ['::ffff:198.51.100.7', '198.51.100.7'],
    ['::FFFF:c633:6407', '198.51.100.7'],
    // IPv6: the /64, however the address is written.
    ['2001:db8:1:2::1', '2001:db8:1:2::/64'],
    ['2001:0DB8:0001:0002:ffff:ffff:ffff:ffff', '2001:db8:1:2::/64'],
    ['2001:db8:1:2:0:0:0:abcd', '2001:db8:1:2::/64'],
    ['fe80::1%eth0', 'fe80::/64'],
    ['2001:db8::', '2001:db8::/64'],
  ])('%s counts as %s', (address, key) => {
    expect(clientRateKey(address)).toBe(key);
  });

  test('two addresses of one /64 share a key; neighbouring /64s do not', () => {
    expect(clientRateKey('2001:db8:aa:bb:1::1')).toBe(clientRateKey('2001:db8:aa:bb:ffff:1:2:3'));
    expect(clientRateKey('2001:db8:aa:bb::1')).not.toBe(clientRateKey('2001:db8:aa:bc::1'));
    // IPv4 stays per address: two hosts behind different addresses of one /24 are two clients.
    expect(clientRateKey('198.51.100.7')).not.toBe(clientRateKey('198.51.100.8'));
  });
});

describe('the client address', () => {
  test.each([
    ['198.51.100.7:46532', '198.51.100.7'],
    ['2001:db8:1:2::abcd:443', '2001:db8:1:2::abcd'],
    ['2001:DB8:0:0:0:0:0:1:443', '2001:db8::1'],
    ['[2001:db8::1]:443', '2001:db8::1'],
    ['::ffff:198.51.100.7:443', '198.51.100.7'],
  ])('CloudFront-Viewer-Address %s names %s', (header, address) => {
    expect(viewerAddress(header)).toBe(address);
  });

  test.each([['not an address:443'], ['198.51.100.7'], [''], ['198.51.100.7:port']])(
    'CloudFront-Viewer-Address "%s" names no one, so the connection address is used',
    (header) => {
      expect(viewerAddress(header)).toBeUndefined();
      expect(clientAddress(header, '203.0.113.9')).toBe('203.0.113.9');
    },
  );

  test('the source address is spelled canonically too', () => {
    expect(canonicalAddress('::ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(canonicalAddress('2001:DB8::0:1')).toBe('2001:db8::1');
  });
});

describe('the origin check', () => {
  const saved = { ...process.env };
  beforeEach(() => {
    process.env.ORIGIN_VERIFY_SECRET = SECRET;
    delete process.env.ORIGIN_VERIFY_SECRET_ARN;
  });
  afterAll(() => {
    process.env = saved;
  });

  const event = (headers: Record<string, string>, body = '{"sku":"A","email":"a@example.com"}') =>
    ({
      version: '2.0',
      routeKey: 'POST /api/backorders',
      rawPath: '/api/backorders',
      rawQueryString: '',
      headers: { 'content-type': 'application/json', ...headers },
      requestContext: { http: { method: 'POST', path: '/api/backorders', sourceIp: '192.0.2.50' } },
      body,
      isBase64Encoded: false,
    }) as unknown as APIGatewayProxyEventV2;

  const recordingApi = () => {
    const seen: ApiRequest[] = [];
    const authenticated: string[] = [];
    const api = apiHandler(
      {
        'POST /api/backorders': async (request) => {
          seen.push(request);
          return { status: 201, body: { ok: true } };
        },
      },
      {
        authenticate: async ({ rawBody }) => {
          authenticated.push(rawBody);
        },
      },
    );
    return { dispatch: api.dispatch, seen, authenticated };
  };

  test.each([
    ['no origin header', {}],
    ['a wrong origin header', { [ORIGIN_VERIFY_HEADER]: 'guessed' }],
    ['the secret with a different case', { [ORIGIN_VERIFY_HEADER]: SECRET.toUpperCase() }],
    ['a forged viewer address and no origin header', { 'cloudfront-viewer-address': '203.0.113.1:443' }],
  ])(
    '%s → 403 FORBIDDEN before the route, the signature check or the body parser run',
    async (_, headers) => {
      const { dispatch, seen, authenticated } = recordingApi();
      // A body that is not even JSON: had it been parsed, the answer would be 400.
      const result = await dispatch(event(headers, '{not json'));
      expect(result.statusCode).toBe(403);
      expect(JSON.parse(result.body ?? '')).toEqual({
        error: { code: 'FORBIDDEN', message: 'Requests to the API must come through the site', details: [] },
      });
      expect(seen).toEqual([]);
      expect(authenticated).toEqual([]);
      // Unknown routes are not told apart either: nothing about the API is learnt from around CloudFront.
      const unknown = await dispatch({ ...event(headers), routeKey: 'GET /api/nothing' });
      expect(unknown.statusCode).toBe(403);
    },
  );

  test('with the secret, the request goes through, and the header reaches no handler', async () => {
    const { dispatch, seen } = recordingApi();
    const request = event({ [ORIGIN_VERIFY_HEADER]: SECRET, 'cloudfront-viewer-address': '2001:db8::7:443' });
    const result = await dispatch(request);
    expect(result.statusCode).toBe(201);
    expect(seen).toHaveLength(1);
    expect(seen[0].sourceIp).toBe('2001:db8::7');
    expect(JSON.stringify(seen[0].headers)).not.toContain(SECRET);
    expect(JSON.stringify(seen[0].event)).not.toContain(SECRET);
    expect(JSON.stringify(result)).not.toContain(SECRET);
  });

  test('the header is matched whatever the case of its name, and removed in every spelling', async () => {
    const headers: Record<string, string> = { 'X-Origin-Verify': SECRET };
    const lowered: Record<string, string> = { [ORIGIN_VERIFY_HEADER]: SECRET };
    await verifyOrigin(lowered, headers);
    expect(headers).toEqual({});
    expect(lowered).toEqual({});
  });

  test('a function deployed without the secret configured refuses everything (500), never lets it through', async () => {
    delete process.env.ORIGIN_VERIFY_SECRET;
    const { dispatch, seen } = recordingApi();
    const result = await dispatch(event({ [ORIGIN_VERIFY_HEADER]: 'anything' }));
    expect(result.statusCode).toBe(500);
    expect(JSON.parse(result.body ?? '').error.code).toBe('INTERNAL');
    expect(seen).toEqual([]);
    await expect(verifyOrigin({}, {})).rejects.toThrow(/Missing ORIGIN_VERIFY_SECRET_ARN/);
  });
});
