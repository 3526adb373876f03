/**
 * Where a webhook may go (docs/webhooks.md: outbound webhook URLs): only to an ordinary public address over https,
 * or, while the local runner allows it, to the machine itself. Every private, loopback, link-local, CGNAT,
 * unique-local, unspecified or otherwise internal address is refused in whatever spelling it arrives; a name is
 * judged by every address it resolves to, at the moment the connection is made; and what the console keeps of
 * a delivery is our own words, never the receiver's.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  addressRange,
  endpointHost,
  endpointUrlProblem,
  refusedAddress,
  type EgressPolicy,
} from '../../lambdas/domain/webhook-address';
import { failureText, shownDeliveryError } from '../../lambdas/domain/webhook-failure';
import { webhookSchemaFor } from '../../lambdas/domain/webhook-schema';
import { postToEndpoint } from '../../lambdas/runtime/webhook-post';
import {
  AddressRefused,
  checkedLookup,
  resolveWebhookHostsWith,
} from '../../lambdas/runtime/webhook-resolver';

const DEPLOYED: EgressPolicy = { allowLoopback: false };
const LOCAL: EgressPolicy = { allowLoopback: true };

describe('the range of an address', () => {
  test.each([
    // IPv4
    ['10.0.0.5', 'private'],
    ['10.255.255.255', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.254', 'private'],
    ['192.168.1.1', 'private'],
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['169.254.169.254', 'link-local'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['100.127.255.254', 'carrier-grade NAT'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['255.255.255.255', 'broadcast'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['192.0.0.8', 'reserved'],
    ['192.0.2.10', 'reserved'],
    ['198.51.100.7', 'reserved'],
    ['203.0.113.9', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['240.0.0.1', 'reserved'],
    // The same addresses in the spellings inet_aton reads (ipaddr.js reads them too).
    ['0x7f.1', 'loopback'],
    ['0xa9.0xfe.0xa9.0xfe', 'link-local'],
    ['127.1', 'loopback'],
    // Public neighbours of the private blocks.
    ['172.15.255.255', 'public'],
    ['172.32.0.1', 'public'],
    ['100.63.255.255', 'public'],
    ['100.128.0.1', 'public'],
    ['169.253.255.255', 'public'],
    ['11.0.0.1', 'public'],
    ['93.184.215.14', 'public'],
    // IPv6
    ['::1', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'link-local'],
    ['febf::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['fc00::1', 'unique-local'],
    ['fd12:3456:789a::1', 'unique-local'],
    ['fec0::1', 'site-local'],
    ['ff02::1', 'multicast'],
    ['2001:db8::1', 'reserved'],
    ['2001::1', 'Teredo tunnel'],
    ['100::1', 'special-purpose'],
    ['::7f00:1', 'reserved'],
    ['2606:4700:4700::1111', 'public'],
    ['2a00:1450:4001::1', 'public'],
    // IPv4-mapped IPv6 is the IPv4 address it carries.
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:a00:1', 'private'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['::ffff:0.0.0.0', 'unspecified'],
    ['::ffff:93.184.215.14', 'public'],
    // NAT64 (64:ff9b::/96) and 6to4 (2002::/16) too; the local-use NAT64 prefix carries nothing to judge.
    ['64:ff9b::a00:1', 'private'],
    ['64:ff9b::10.0.0.1', 'private'],
    ['64:ff9b::a9fe:a9fe', 'link-local'],
    ['64:ff9b::5db8:d70e', 'public'],
    ['64:ff9b:1::a00:1', 'NAT64 local-use'],
    ['2002:a00:1::', 'private'],
    ['2002:7f00:1::1', 'loopback'],
    ['2002:a9fe:a9fe::', 'link-local'],
    ['2002:5db8:d70e::1', 'public'],
    // Not an address at all.
    ['erp.example', 'not an IP address'],
    ['', 'not an IP address'],
  ])('%s is %s', (address, range) => {
    expect(addressRange(address)).toBe(range);
  });
});

describe('which addresses a webhook may reach', () => {
  test.each([
    ['93.184.215.14', 'https:', DEPLOYED, undefined],
    ['2606:4700:4700::1111', 'https:', DEPLOYED, undefined],
    ['10.0.0.5', 'https:', LOCAL, 'private'],
    ['169.254.169.254', 'https:', LOCAL, 'link-local'],
    ['0.0.0.0', 'http:', LOCAL, 'unspecified'],
    ['::', 'http:', LOCAL, 'unspecified'],
    // Loopback only while the local runner allows it, over http or https.
    ['127.0.0.1', 'http:', LOCAL, undefined],
    ['127.0.0.2', 'https:', LOCAL, undefined],
    ['::1', 'http:', LOCAL, undefined],
    ['::ffff:127.0.0.1', 'http:', LOCAL, undefined],
    ['127.0.0.1', 'https:', DEPLOYED, 'loopback'],
    ['::1', 'https:', DEPLOYED, 'loopback'],
    ['::ffff:7f00:1', 'https:', DEPLOYED, 'loopback'],
    // Plain http never leaves the machine, even while loopback is allowed.
    ['93.184.215.14', 'http:', LOCAL, 'public'],
  ])('%s over %s (loopback allowed: %j) → %s', (address, protocol, policy, refused) => {
    expect(refusedAddress(address, protocol, policy as EgressPolicy)).toBe(refused);
  });
});

describe('the host a URL names, after WHATWG URL normalised it', () => {
  test.each([
    // Every IPv4 spelling reaches the check as dotted decimal.
    ['http://0x7f.1/', { kind: 'address', address: '127.0.0.1' }],
    ['http://2130706433/', { kind: 'address', address: '127.0.0.1' }],
    ['http://0177.0.0.1/', { kind: 'address', address: '127.0.0.1' }],
    ['http://127.1/', { kind: 'address', address: '127.0.0.1' }],
    ['https://0/', { kind: 'address', address: '0.0.0.0' }],
    ['https://0xa9fea9fe/', { kind: 'address', address: '169.254.169.254' }],
    ['https://2852039166/', { kind: 'address', address: '169.254.169.254' }],
    ['https://0251.0376.0251.0376/', { kind: 'address', address: '169.254.169.254' }],
    ['https://%31%30.0.0.5/', { kind: 'address', address: '10.0.0.5' }],
    ['https://１０.０.０.５/', { kind: 'address', address: '10.0.0.5' }],
    ['https://10.0.0.5./', { kind: 'address', address: '10.0.0.5' }],
    // IPv6 literals lose their brackets; an IPv4-mapped one keeps what it carries.
    ['https://[::ffff:127.0.0.1]/', { kind: 'address', address: '::ffff:7f00:1' }],
    ['https://[0:0:0:0:0:0:0:1]:8443/', { kind: 'address', address: '::1' }],
    ['https://[FE80::1]/', { kind: 'address', address: 'fe80::1' }],
    // Names: lower case, the trailing dot of a fully qualified name dropped.
    ['http://LOCALHOST./', { kind: 'name', name: 'localhost' }],
    ['https://ERP.Example./hooks', { kind: 'name', name: 'erp.example' }],
    ['https://127.0.0.1.nip.io/', { kind: 'name', name: '127.0.0.1.nip.io' }],
  ])('%s → %j', (url, host) => {
    expect(endpointHost(new URL(url))).toEqual(host);
  });

  test('an IPv6 zone id is not a valid URL host, so it never reaches the check', () => {
    expect(() => new URL('https://[fe80::1%25eth0]/')).toThrow();
    expect(webhookSchemaFor(LOCAL).safeParse(endpoint('https://[fe80::1%25eth0]/')).success).toBe(false);
  });
});

const endpoint = (url: string) => ({ url, secret: 'a-long-enough-secret', events: ['backorder.created'] });
const urlProblems = (policy: EgressPolicy, url: string): string[] => {
  const result = webhookSchemaFor(policy).safeParse(endpoint(url));
  return result.success
    ? []
    : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
};

describe('saving an endpoint URL', () => {
  const FORBIDDEN = [
    ['https://10.0.0.5/hooks', '10.0.0.5 is a private address'],
    ['https://172.16.4.4/', '172.16.4.4 is a private address'],
    ['https://192.168.0.10/', '192.168.0.10 is a private address'],
    ['https://169.254.169.254/latest/meta-data/', '169.254.169.254 is a link-local address'],
    ['https://0xa9.0xfe.0xa9.0xfe/', '169.254.169.254 is a link-local address'],
    ['https://2852039166/', '169.254.169.254 is a link-local address'],
    ['https://100.64.1.1/', '100.64.1.1 is a carrier-grade NAT address'],
    ['https://0.0.0.0/', '0.0.0.0 is an unspecified address'],
    ['https://0/', '0.0.0.0 is an unspecified address'],
    ['https://[::]/', ':: is an unspecified address'],
    ['https://[fe80::1]/', 'fe80::1 is a link-local address'],
    ['https://[fd00::5]/', 'fd00::5 is a unique-local address'],
    ['https://[::ffff:10.0.0.1]/', '::ffff:a00:1 is a private address'],
    ['https://[::ffff:a00:1]/', '::ffff:a00:1 is a private address'],
    ['https://[::ffff:169.254.169.254]/', '::ffff:a9fe:a9fe is a link-local address'],
    ['https://[64:ff9b::a00:1]/', '64:ff9b::a00:1 is a private address'],
    ['https://[2002:a00:1::]/', '2002:a00:1:: is a private address'],
    ['https://224.0.0.1/', '224.0.0.1 is a multicast address'],
    ['https://255.255.255.255/', '255.255.255.255 is a broadcast address'],
    ['https://192.0.2.1/', '192.0.2.1 is a reserved address'],
  ];

  test.each(FORBIDDEN)('%s is refused on url under either policy (%s)', (url, reason) => {
    const message = `url: must not point to a private or internal address (${reason})`;
    expect(urlProblems(LOCAL, url)).toEqual([message]);
    expect(urlProblems(DEPLOYED, url)).toEqual([message]);
  });

  test.each([
    'http://127.0.0.1:9000/hooks',
    'http://127.0.0.2/',
    'http://0x7f.1:9000/',
    'http://2130706433/',
    'http://0177.0.0.1/',
    'http://localhost:8080/hooks',
    'http://LOCALHOST.:8080/hooks',
    'http://[::1]:9000/x',
    'http://[::ffff:127.0.0.1]:9000/',
    'https://localhost/hooks',
  ])('%s is accepted while loopback is allowed, and refused deployed', (url) => {
    expect(urlProblems(LOCAL, url)).toEqual([]);
    expect(urlProblems(DEPLOYED, url)).toHaveLength(1);
    expect(urlProblems(DEPLOYED, url)[0]).toMatch(
      /^url: must (use https|not point to a private or internal)/,
    );
  });

  test.each([
    ['http://erp.example/hooks'],
    ['http://93.184.215.14/hooks'],
    ['http://localhost.evil.example/'],
    ['http://127.0.0.1.nip.io/'],
  ])('plain http to %s is refused under either policy', (url) => {
    expect(urlProblems(LOCAL, url)).toEqual([
      'url: must use https (plain http only to localhost, 127.0.0.1 or [::1])',
    ]);
    expect(urlProblems(DEPLOYED, url)).toEqual(['url: must use https']);
  });

  test('deployed, the machine itself is refused however it is named', () => {
    expect(urlProblems(DEPLOYED, 'https://localhost./')).toEqual([
      'url: must not point to a private or internal address (localhost is a loopback address)',
    ]);
    expect(urlProblems(DEPLOYED, 'https://erp.localhost/')).toEqual([
      'url: must not point to a private or internal address (erp.localhost is a loopback address)',
    ]);
    expect(urlProblems(DEPLOYED, 'https://[::1]/')).toEqual([
      'url: must not point to a private or internal address (::1 is a loopback address)',
    ]);
  });

  test('a public address or a name (resolved by the use-case, not here) passes the schema', () => {
    for (const url of ['https://93.184.215.14/hooks', 'https://[2606:4700::1111]/', 'https://erp.example/']) {
      expect(urlProblems(DEPLOYED, url)).toEqual([]);
    }
    expect(endpointUrlProblem(new URL('https://erp.example/'), DEPLOYED)).toBeUndefined();
  });
});

describe('the lookup a delivery connects through', () => {
  afterEach(() => resolveWebhookHostsWith(undefined));

  const lookUp = (policy: EgressPolicy, protocol: string, options: { all?: boolean; family?: number }) =>
    new Promise<{ error: Error | null; address: unknown; family?: number }>((resolve) =>
      checkedLookup(protocol, policy)('erp.shop.test', options, (error, address, family) =>
        resolve({ error, address, family }),
      ),
    );

  test('hands over exactly the addresses it checked', async () => {
    resolveWebhookHostsWith((name) =>
      name === 'erp.shop.test' ? ['93.184.215.14', '2606:4700::1'] : undefined,
    );
    expect(await lookUp(DEPLOYED, 'https:', { all: true })).toEqual({
      error: null,
      address: [
        { address: '93.184.215.14', family: 4 },
        { address: '2606:4700::1', family: 6 },
      ],
      family: undefined,
    });
    expect(await lookUp(DEPLOYED, 'https:', { family: 6 })).toEqual({
      error: null,
      address: '2606:4700::1',
      family: 6,
    });
  });

  test.each([
    [['10.0.0.5'], 'private'],
    [['93.184.215.14', '169.254.169.254'], 'link-local'],
    [['::ffff:a00:1'], 'private'],
    [['fd00::1', '93.184.215.14'], 'unique-local'],
    [['127.0.0.1'], 'loopback'],
    [['0.0.0.0'], 'unspecified'],
  ])('refuses the whole lookup when any address is forbidden: %j', async (addresses, range) => {
    resolveWebhookHostsWith(() => addresses);
    const { error, address } = await lookUp(DEPLOYED, 'https:', { all: true });
    expect(error).toBeInstanceOf(AddressRefused);
    expect((error as AddressRefused).range).toBe(range);
    expect(address).toBe('');
  });

  test('a name without addresses fails the connection as not found', async () => {
    resolveWebhookHostsWith(() => []);
    const { error } = await lookUp(DEPLOYED, 'https:', { all: true });
    expect((error as NodeJS.ErrnoException).code).toBe('ENOTFOUND');
  });
});

describe('one POST to an endpoint', () => {
  let server: http.Server;
  let port: number;
  const received: string[] = [];
  const answers = new Map<
    string,
    { status: number; body?: string; headers?: Record<string, string>; delayMs?: number }
  >();

  beforeAll(async () => {
    server = http.createServer((request, response) => {
      received.push(request.url ?? '/');
      request.resume();
      const answer = answers.get(request.url ?? '/') ?? { status: 204 };
      setTimeout(() => {
        response.writeHead(answer.status, { 'content-type': 'text/plain', ...answer.headers });
        response.end(answer.body ?? '');
      }, answer.delayMs ?? 0);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  });
  afterEach(() => resolveWebhookHostsWith(undefined));

  const post = (url: string, policy = LOCAL, timeoutMs = 2_000) =>
    postToEndpoint(url, { 'content-type': 'application/json' }, '{"id":"x"}', { policy, timeoutMs });

  test('a name is connected to through the address it resolved to and that was checked', async () => {
    resolveWebhookHostsWith((name) => (name === 'localhost' ? ['127.0.0.1'] : undefined));
    expect(await post(`http://localhost:${port}/resolved`)).toEqual({ status: 204 });
    expect(received).toContain('/resolved');
  });

  test('a name that resolves to a forbidden address now is not sent, whatever it resolved to before', async () => {
    // 0.0.0.0 reaches this machine's listeners on Linux: without the check the request would arrive.
    resolveWebhookHostsWith((name) => (name === 'localhost' ? ['0.0.0.0'] : undefined));
    expect(await post(`http://localhost:${port}/rebound`)).toEqual({
      failure: { kind: 'blocked', reason: 'localhost resolves to an unspecified address' },
    });
    expect(received).not.toContain('/rebound');
  });

  test('deployed, a loopback literal saved earlier is not sent', async () => {
    expect(await post(`http://127.0.0.1:${port}/literal`, DEPLOYED)).toEqual({
      failure: { kind: 'blocked', reason: 'the endpoint must use https' },
    });
    expect(await post(`https://127.0.0.1:${port}/literal`, DEPLOYED)).toEqual({
      failure: {
        kind: 'blocked',
        reason:
          'the endpoint must not point to a private or internal address (127.0.0.1 is a loopback address)',
      },
    });
    expect(received).not.toContain('/literal');
  });

  test('a redirect is a status, not followed; a refusal keeps its status and nothing of its body', async () => {
    answers.set('/moved', { status: 302, headers: { location: `http://127.0.0.1:${port}/elsewhere` } });
    answers.set('/refuses', { status: 400, body: 'internal: db password is hunter2' });
    expect(await post(`http://127.0.0.1:${port}/moved`)).toEqual({ status: 302 });
    expect(await post(`http://127.0.0.1:${port}/refuses`)).toEqual({ status: 400 });
    expect(received).not.toContain('/elsewhere');
  });

  test('no answer in time is a timeout; a closed port is a connection failure', async () => {
    answers.set('/slow', { status: 200, delayMs: 1_000 });
    expect(await post(`http://127.0.0.1:${port}/slow`, LOCAL, 100)).toEqual({
      failure: { kind: 'timeout', seconds: 0.1 },
    });
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', () => resolve()));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    expect(await post(`http://127.0.0.1:${closedPort}/`)).toEqual({
      failure: { kind: 'connection', code: 'ECONNREFUSED' },
    });
  });
});

describe('what the console is told about a delivery', () => {
  test.each([
    [{ kind: 'status', status: 503 }, 'HTTP 503'],
    [{ kind: 'status', status: 302 }, 'HTTP 302: redirect not followed'],
    [{ kind: 'timeout', seconds: 5 }, 'no answer within 5 s'],
    [{ kind: 'connection', code: 'ECONNREFUSED' }, 'connection failed: ECONNREFUSED'],
    [
      { kind: 'connection', code: 'ERR_TLS_CERT_ALTNAME_INVALID' },
      'connection failed: ERR_TLS_CERT_ALTNAME_INVALID',
    ],
    [{ kind: 'connection', code: 'weird <b>code</b>' }, 'connection failed'],
    [{ kind: 'connection' }, 'connection failed'],
    [
      { kind: 'blocked', reason: 'erp.example resolves to a private address' },
      'not sent: erp.example resolves to a private address',
    ],
  ] as const)('%j → %s', (failure, text) => {
    expect(failureText(failure)).toBe(text);
  });

  test.each([
    [undefined, null],
    ['HTTP 503', 'HTTP 503'],
    ['no answer within 5 s', 'no answer within 5 s'],
    [
      'not sent: erp.example resolves to a private address',
      'not sent: erp.example resolves to a private address',
    ],
    // Rows recorded before these rules: the receiver's words are cut off, the status kept.
    ['HTTP 400: {"password":"hunter2"}', 'HTTP 400'],
    ['HTTP 301: redirect to http://10.0.0.5/admin not followed', 'HTTP 301: redirect not followed'],
    ['connection failed: getaddrinfo ENOTFOUND erp.internal', 'connection failed'],
    ['anything else', 'connection failed'],
  ])('a stored %j is shown as %j', (stored, shown) => {
    expect(shownDeliveryError(stored)).toBe(shown);
  });
});
