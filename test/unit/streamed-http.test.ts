/**
 * A streamed answer end to end, without AWS: lambdas/runtime/streamed-http.ts in middy's streaming mode, run
 * by the local stand-in for Lambda's streaming runtime (local/awslambda.ts) behind a plain HTTP server, as
 * the local gateway runs the exporter. Errors before the first byte are the contract's JSON; after it the
 * download breaks off; a client that stops reading stops the pages being made, and one that leaves ends them.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { ServiceUnavailableError, UnauthorizedError } from '../../lambdas/runtime/errors';
import { streamedApiHandler, streamedFile } from '../../lambdas/runtime/streamed-http';
import { download } from '../support/download';
import {
  installAwsLambdaGlobal,
  isStreamingHandler,
  streamingInvoker,
  withResponseStream,
} from '../../local/awslambda';

const SECRET = 'origin-secret-for-this-test';

/** What the route's file is made of, set by each test. */
let chunks: () => AsyncGenerator<string, void, undefined>;

let server: http.Server;
let base: string;
beforeAll(async () => {
  process.env.ORIGIN_VERIFY_SECRET = SECRET;
  installAwsLambdaGlobal();
  const api = streamedApiHandler(
    {
      'GET /file': (request) =>
        streamedFile(request, { contentType: 'text/plain', fileName: 'f.txt', chunks: chunks() }),
    },
    {
      admit: async (headers) => {
        if (headers.authorization !== 'Bearer ok') throw new UnauthorizedError();
        return { principal: 'tester' };
      },
    },
  );
  expect(isStreamingHandler(api.handler)).toBe(true);
  const invoke = streamingInvoker(api.handler);
  server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const headers = { ...(req.headers as Record<string, string>) };
    if (url.searchParams.get('around') === null) headers['x-origin-verify'] = SECRET;
    const event = {
      rawPath: url.pathname,
      headers,
      queryStringParameters: {},
      requestContext: { http: { method: req.method } },
    } as unknown as APIGatewayProxyEventV2;
    const context = { getRemainingTimeInMillis: () => 60_000 } as Context;
    void withResponseStream(res, () => invoke(event, context));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  delete process.env.ORIGIN_VERIFY_SECRET;
});

const get = (path: string, authorization = 'Bearer ok') => download(`${base}${path}`, { authorization });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('the file leaves chunk by chunk, with its status and headers first', async () => {
  chunks = async function* () {
    yield 'a,b\r\n';
    await sleep(5);
    yield '1,2\r\n';
    yield '3,4\r\n';
  };
  const answer = await get('/file');
  expect(answer).toMatchObject({ status: 200, complete: true, text: 'a,b\r\n1,2\r\n3,4\r\n' });
  expect(answer.headers).toMatchObject({
    'content-type': 'text/plain',
    'content-disposition': 'attachment; filename="f.txt"',
    'cache-control': 'no-store',
    'transfer-encoding': 'chunked',
  });
});

test('refusals and a file that cannot begin are JSON errors, whole', async () => {
  chunks = async function* () {
    yield* [];
    throw new ServiceUnavailableError();
  };
  const busy = await get('/file');
  expect(busy).toMatchObject({ status: 503, complete: true, headers: { 'retry-after': '1' } });
  expect(JSON.parse(busy.text).error.code).toBe('UNAVAILABLE');
  expect(JSON.parse((await get('/file', 'Bearer wrong')).text).error.code).toBe('UNAUTHORIZED');
  expect(JSON.parse((await get('/elsewhere')).text).error.code).toBe('NOT_FOUND');
  const around = await get('/file?around=1');
  expect(around.status).toBe(403);
  expect(JSON.parse(around.text).error.code).toBe('FORBIDDEN');
});

test('a failure after the first byte breaks the download off', async () => {
  chunks = async function* () {
    yield 'header\r\n';
    yield 'row 1\r\n';
    await sleep(5);
    throw new Error('DynamoDB failed');
  };
  const answer = await get('/file');
  expect(answer.status).toBe(200);
  expect(answer.complete).toBe(false);
  expect('header\r\nrow 1\r\n'.startsWith(answer.text)).toBe(true);
});

test('a client that stops reading stops the pages; one that leaves ends the file', async () => {
  const page = 'x'.repeat(64 * 1024);
  let made = 0;
  let ended = false;
  chunks = async function* () {
    try {
      for (;;) {
        made++;
        yield page;
        await sleep(1);
      }
    } finally {
      ended = true;
    }
  };
  const request = http.get(`${base}/file`, { headers: { authorization: 'Bearer ok' } });
  const response = await new Promise<http.IncomingMessage>((resolve) => request.on('response', resolve));
  response.on('error', () => undefined);
  response.pause();
  // The buffers fill, then the pages stop: wait until no page came for 300 ms (however slow the machine).
  let stalled = -1;
  for (let i = 0; i < 100 && made !== stalled; i++) {
    stalled = made;
    await sleep(300);
  }
  await sleep(500);
  // Only what the sockets' buffers hold was made, and nothing more while nobody reads.
  expect(made).toBe(stalled);
  expect(made * page.length).toBeLessThan(32 * 1024 * 1024);
  request.destroy();
  for (let i = 0; i < 500 && !ended; i++) await sleep(20);
  expect(ended).toBe(true);
});
