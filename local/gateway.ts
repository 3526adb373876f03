/**
 * The local stand-in for CloudFront + API Gateway: serves web/ by the same URI rules as the CloudFront
 * Function, and turns /api/* requests into API Gateway v2 (payload 2.0) events for the routes declared in
 * lib/platform.ts. Admin routes pass the same Lambda authorizer first as on AWS (lambdas/authorizer/handler.ts):
 * here the staff credentials are the runner's console tokens (ADMIN_TOKEN, MARKETER_TOKEN, SUPPORT_TOKEN).
 * Streamed routes (the CSV exports) go as CloudFront sends them on AWS, to their function's URL: no
 * authorizer, and the answer streamed to the client as the handler writes it (local/awslambda.ts).
 *
 * Like CloudFront, it sets the viewer's address (CloudFront-Viewer-Address) and the origin secret header on
 * every /api/* request, over any copy the client sent. With `executeApi` it is API Gateway's own endpoint
 * instead, which on AWS anyone can call directly: no pages, and the client's headers passed on as sent.
 */
import { isUtf8 } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { isApiPath, ORIGIN_VERIFY_HEADER, routeKey, routes, type RouteDefinition } from '../lib/platform';
import { pageFileFor } from '../lib/web-paths';
// The same security headers, Content-Security-Policy included, as the CloudFront response headers policies.
import { pageHeadersFor } from '../lib/web-headers';
import { asApiInvocation } from './api-priority';
import { callAuthorizer } from './authorizer';
import { withResponseStream } from './awslambda';
import type { LambdaHandler } from './handlers';
import { ROOT } from './handlers';
import { lambdaContext } from './lambda-context';

/** API Gateway HTTP APIs refuse payloads over 10 MB before any function runs. */
const GATEWAY_PAYLOAD_LIMIT = 10 * 1024 * 1024;

const WEB_ROOT = path.join(ROOT, 'web');

/** Start-up takes seconds (tables, queues, handler modules): the Retry-After of a request made before. */
const STARTING_RETRY_AFTER_SECONDS = 2;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

interface CompiledRoute {
  definition: RouteDefinition;
  pattern: RegExp;
  parameters: string[];
}

const compile = (definition: RouteDefinition): CompiledRoute => {
  const parameters: string[] = [];
  const source = definition.path
    .split('/')
    .map((segment) => {
      const match = /^\{(\w+)\}$/.exec(segment);
      if (!match) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      parameters.push(match[1]);
      return '([^/]+)';
    })
    .join('/');
  return { definition, pattern: new RegExp(`^${source}$`), parameters };
};

export interface GatewayOptions {
  handlers: Record<string, LambdaHandler>;
  /** Until every part is up, /api/health answers 503, and every other API route 503 UNAVAILABLE. */
  isReady: () => boolean;
  /** The origin secret CloudFront adds to /api/* requests as ORIGIN_VERIFY_HEADER (lib/web.ts). */
  originSecret?: string;
  /** Be API Gateway's own endpoint, reached without CloudFront: the door of a caller going around the site. */
  executeApi?: boolean;
}

const errorBody = (code: string, message: string) =>
  JSON.stringify({ error: { code, message, details: [] } });

const sendJson = (
  res: ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string> = {},
) => {
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(body);
};

/** The body; null when it is over the gateway's limit, undefined when the client broke off or sent a broken one. */
const readBody = (req: IncomingMessage): Promise<Buffer | null | undefined> =>
  new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > GATEWAY_PAYLOAD_LIMIT) {
        resolve(null);
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    // A malformed chunked body or a dropped connection: the parser's clientError (below) has answered, if anyone
    // is still there to hear it.
    req.on('error', () => resolve(undefined));
  });

const TEXT_TYPES = /^(text\/|application\/(json|x-www-form-urlencoded|xml|[a-z0-9.+-]+\+json))/i;

/** The socket's peer address as CloudFront writes it: IPv4 without a dual-stack socket's ::ffff: prefix. */
const peerAddress = (req: IncomingMessage): string =>
  (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');

/**
 * The request's headers as API Gateway receives them, for the authorizer and the function alike: behind
 * CloudFront, its viewer headers and the origin secret are CloudFront's own (a client's copies never get
 * through); called directly, the client's headers as sent.
 */
const forwardedHeaders = (req: IncomingMessage, options: GatewayOptions): Record<string, string> => {
  const viaCloudFront = !options.executeApi;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || name === 'cookie') continue;
    if (viaCloudFront && (name.startsWith('cloudfront-') || name === ORIGIN_VERIFY_HEADER)) continue;
    headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  if (viaCloudFront) {
    headers['cloudfront-viewer-address'] = `${peerAddress(req)}:${req.socket.remotePort ?? 0}`;
    if (options.originSecret) headers[ORIGIN_VERIFY_HEADER] = options.originSecret;
  }
  return headers;
};

const toEvent = (
  req: IncomingMessage,
  url: URL,
  route: CompiledRoute,
  pathParameters: Record<string, string>,
  body: Buffer,
  authorizer: Record<string, string> | undefined,
  options: GatewayOptions,
): APIGatewayProxyEventV2 => {
  const viaCloudFront = !options.executeApi;
  const headers = forwardedHeaders(req, options);
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams)
    query[name] = name in query ? `${query[name]},${value}` : value;
  // API Gateway passes text bodies as text only when they are valid UTF-8; anything else arrives base64.
  const binary = body.length > 0 && (!TEXT_TYPES.test(headers['content-type'] ?? '') || !isUtf8(body));
  const now = new Date();
  return {
    version: '2.0',
    routeKey: routeKey(route.definition),
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    cookies: req.headers.cookie ? req.headers.cookie.split(/;\s*/) : undefined,
    headers,
    queryStringParameters: Object.keys(query).length ? query : undefined,
    pathParameters: Object.keys(pathParameters).length ? pathParameters : undefined,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: req.headers.host ?? 'localhost',
      domainPrefix: 'localhost',
      http: {
        method: req.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        // Behind CloudFront, API Gateway sees the edge that forwarded the request (here: this gateway), not
        // the viewer; called directly, it sees the caller.
        sourceIp: viaCloudFront
          ? (req.socket.localAddress ?? '127.0.0.1').replace(/^::ffff:/, '')
          : peerAddress(req),
        userAgent: req.headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: routeKey(route.definition),
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
      ...(authorizer ? { authorizer: { lambda: authorizer } } : {}),
    },
    body: body.length ? body.toString(binary ? 'base64' : 'utf8') : undefined,
    isBase64Encoded: binary,
  } as APIGatewayProxyEventV2;
};

/**
 * A streamed route (lib/platform.ts), as CloudFront's behaviour for its path does it on AWS: to the function's
 * URL (invoke mode RESPONSE_STREAM) with the origin secret, and no authorizer (the function identifies the
 * caller itself). The event is a function URL's: API Gateway v2's shape with the route key `$default`. The
 * answer goes to the client as the handler writes it, and breaks off if the handler fails midway. On the
 * `executeApi` door it is the function URL's own endpoint, called around CloudFront: no origin secret.
 */
const serveStreamed = async (
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  route: CompiledRoute,
  options: GatewayOptions,
) => {
  const body = await readBody(req);
  if (body === undefined) return;
  if (body === null) return sendJson(res, 413, errorBody('PAYLOAD_TOO_LARGE', 'Request body too large'));
  const event = toEvent(req, url, route, {}, body, undefined, options);
  const urlEvent = {
    ...event,
    routeKey: '$default',
    requestContext: { ...event.requestContext, routeKey: '$default' },
  };
  const fn = route.definition.function;
  await asApiInvocation(() =>
    withResponseStream(res, () => options.handlers[fn](urlEvent, lambdaContext(fn))),
  );
};

const serveApi = async (
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  compiled: CompiledRoute[],
  options: GatewayOptions,
) => {
  let pathMatched = false;
  for (const route of compiled) {
    const match = route.pattern.exec(url.pathname);
    if (!match) continue;
    pathMatched = true;
    if (route.definition.method !== req.method) continue;
    if (route.definition.path === '/api/health' && !options.isReady()) {
      return sendJson(res, 503, JSON.stringify({ ok: false }));
    }
    // The handlers load after the port is open: a request in that window (or during shutdown) is told to
    // come back, not failed with a 500 from a handler that is not there.
    if (!options.isReady()) {
      req.resume();
      return sendJson(res, 503, errorBody('UNAVAILABLE', 'Not ready yet; try again shortly'), {
        'retry-after': String(STARTING_RETRY_AFTER_SECONDS),
      });
    }
    let pathParameters: Record<string, string>;
    try {
      pathParameters = Object.fromEntries(
        route.parameters.map((name, i) => [name, decodeURIComponent(match[i + 1])]),
      );
    } catch {
      return sendJson(res, 404, errorBody('NOT_FOUND', 'Not found'));
    }
    // Not API Gateway's: CloudFront sends a streamed route to its function's URL (local/awslambda.ts).
    if (route.definition.streamed) return serveStreamed(req, res, url, route, options);
    let authorizer: Record<string, string> | undefined;
    if (route.definition.auth === 'admin') {
      if (!req.headers.authorization) {
        req.resume();
        return sendJson(res, 401, errorBody('UNAUTHORIZED', 'A valid admin bearer token is required'), {
          'www-authenticate': 'Bearer',
        });
      }
      const answer = await callAuthorizer(options.handlers.authorizer, {
        method: req.method ?? 'GET',
        path: url.pathname,
        rawQueryString: url.search.slice(1),
        routeKey: routeKey(route.definition),
        headers: forwardedHeaders(req, options),
        sourceIp: peerAddress(req),
      });
      if (!answer.isAuthorized) {
        req.resume();
        return sendJson(res, 403, errorBody('FORBIDDEN', 'Forbidden'));
      }
      authorizer = answer.context ?? {};
    }
    const body = await readBody(req);
    if (body === undefined) return;
    if (body === null) return sendJson(res, 413, errorBody('PAYLOAD_TOO_LARGE', 'Request body too large'));
    const event = toEvent(req, url, route, pathParameters, body, authorizer, options);
    const result = (await asApiInvocation(() =>
      options.handlers[route.definition.function](event, lambdaContext(route.definition.function)),
    )) as APIGatewayProxyStructuredResultV2;
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(result.headers ?? {})) headers[name] = String(value);
    res.writeHead(result.statusCode ?? 200, headers);
    res.end(result.body ? Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8') : undefined);
    return;
  }
  // API Gateway answers unknown routes itself; locally with the contract's error shape.
  req.resume();
  sendJson(res, 404, errorBody('NOT_FOUND', `No route ${req.method} ${pathMatched ? url.pathname : 'here'}`));
};

/** API Gateway's endpoint has no pages. */
const notFound = (req: IncomingMessage, res: ServerResponse) => {
  req.resume();
  sendJson(res, 404, errorBody('NOT_FOUND', 'Not found'));
};

const servePage = (req: IncomingMessage, res: ServerResponse, url: URL) => {
  req.resume();
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD' });
    return res.end();
  }
  let file: string;
  try {
    file = path.normalize(path.join(WEB_ROOT, pageFileFor(decodeURIComponent(url.pathname))));
  } catch {
    res.writeHead(400);
    return res.end();
  }
  let size = -1;
  if (file.startsWith(WEB_ROOT + path.sep)) {
    try {
      const stat = statSync(file);
      if (stat.isFile()) size = stat.size;
    } catch {
      // Not there: 404 below.
    }
  }
  if (size < 0) {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', ...pageHeadersFor(url.pathname) });
    return res.end('Not found');
  }
  res.writeHead(200, {
    'content-type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream',
    'content-length': size,
    'cache-control': 'no-cache',
    ...pageHeadersFor(url.pathname),
  });
  if (req.method === 'HEAD') return res.end();
  createReadStream(file).pipe(res);
};

export const createGateway = (options: GatewayOptions): http.Server => {
  const compiled = routes.map(compile);
  const server = http.createServer((req, res) => {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      // A request target Node's parser let through but no URL parser reads (`GET http://[ HTTP/1.1`): a bad
      // request, not an exception that would take the whole process down.
      req.resume();
      return sendJson(res, 400, errorBody('VALIDATION', 'The request URL is not valid'));
    }
    // The raw path too: `/r/..` is the API's (a 404 there), as CloudFront would route it, not the site's root.
    const work =
      isApiPath(url.pathname) || isApiPath(req.url ?? '')
        ? serveApi(req, res, url, compiled, options)
        : options.executeApi
          ? notFound(req, res)
          : servePage(req, res, url);
    Promise.resolve(work).catch((error) => {
      console.error('gateway error', error);
      if (!res.headersSent) sendJson(res, 500, errorBody('INTERNAL', 'internal error'));
      else res.end();
    });
  });
  // Requests Node's HTTP parser refuses itself (control characters or bare LF in headers, oversized headers,
  // Content-Length with Transfer-Encoding, broken chunks) get the contract's error shape, not a bare status line.
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    // As Node's own handler does: never write into an answer already under way on this socket.
    const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (error.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
      socket.destroy();
      return;
    }
    const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
    const body = tooLarge
      ? errorBody('PAYLOAD_TOO_LARGE', 'Request headers are too large')
      : errorBody('VALIDATION', 'The request is not valid HTTP');
    socket.end(
      `HTTP/1.1 ${tooLarge ? '431 Request Header Fields Too Large' : '400 Bad Request'}\r\n` +
        'content-type: application/json; charset=utf-8\r\ncache-control: no-store\r\n' +
        `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  });
  return server;
};
