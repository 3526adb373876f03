/**
 * The HTTP edge of the API functions: only requests CloudFront sent (lambdas/runtime/origin-verify.ts), request
 * body rules of the contract (16 KiB, JSON only, empty body for actions), dispatch on API Gateway's route key,
 * and the single place where errors become responses.
 */
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { logger } from './logger';
import { isTransientFailure } from './transient-failure';
import { clientAddress, VIEWER_ADDRESS_HEADER } from './client-address';
import { verifyOrigin } from './origin-verify';
import { callerFromContext, type Caller } from './caller';
import {
  ContractError,
  NotFoundError,
  PayloadTooLargeError,
  ServiceUnavailableError,
  UnsupportedMediaTypeError,
  ValidationError,
} from './errors';

export const MAX_BODY_BYTES = 16 * 1024;

export interface ApiRequest {
  routeKey: string;
  pathParameters: Record<string, string>;
  query: Record<string, string>;
  headers: Record<string, string>;
  /** Parsed JSON body; undefined when the request had no body. */
  body: unknown;
  /** The raw body text, for routes that verify signatures or accept forms. */
  rawBody: string;
  /** The body's bytes as sent, for routes that check the encoding themselves (a CSV upload). */
  rawBytes: Buffer;
  sourceIp: string;
  /**
   * Who called, as the admin routes' authorizer found out (lambdas/authorizer/handler.ts); whether they may
   * is lambdas/use-cases/access.ts's to decide. Undefined on public routes, and for a credential not accepted.
   */
  caller?: Caller;
  /** The caller's name for the audit trail (a user's email, `api-key:<id>`). */
  principal?: string;
  /**
   * Milliseconds the function has left before Lambda stops it (the context's): work done after a write must
   * fit in them, or the answer that the write happened would never arrive.
   */
  remainingMs: () => number;
  event: APIGatewayProxyEventV2;
}

export interface ApiResult {
  status: number;
  body?: unknown;
  /** A body that is not JSON (a CSV download), sent as it is; its content type is in `headers`. */
  text?: string;
  headers?: Record<string, string>;
}

export type RouteHandler = (request: ApiRequest) => Promise<ApiResult>;

export const json = (status: number, body: unknown, headers: Record<string, string> = {}): ApiResult => ({
  status,
  body,
  headers,
});

/** A text body that is not JSON, such as a CSV file; `contentType` replaces the JSON default. */
export const textBody = (
  status: number,
  text: string,
  contentType: string,
  headers: Record<string, string> = {},
): ApiResult => ({ status, text, headers: { 'content-type': contentType, ...headers } });

/** 303 See Other: a browser following a link from an email lands on a page of the site. */
export const redirect = (
  location: string,
  status: 302 | 303 = 303,
  headers: Record<string, string> = {},
): ApiResult => ({ status, headers: { location, ...headers } });

export const lowerCaseHeaders = (headers: APIGatewayProxyEventV2['headers']): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {}))
    if (value !== undefined) out[name.toLowerCase()] = value;
  return out;
};

const decodeBody = (event: APIGatewayProxyEventV2): Buffer => {
  if (!event.body) return Buffer.alloc(0);
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
};

/** Parses the body by the contract's rules; `form` lets a route also accept form-encoded bodies. */
const parseBody = (raw: Buffer, contentType: string | undefined, acceptForm: boolean): unknown => {
  if (raw.length > MAX_BODY_BYTES) throw new PayloadTooLargeError(MAX_BODY_BYTES);
  if (raw.length === 0) return undefined;
  const mediaType = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (acceptForm && mediaType === 'application/x-www-form-urlencoded') {
    return Object.fromEntries(new URLSearchParams(raw.toString('utf8')));
  }
  if (mediaType !== 'application/json' && !/^application\/[a-z0-9.+-]+\+json$/.test(mediaType)) {
    throw new UnsupportedMediaTypeError();
  }
  const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  let decoded: string;
  try {
    decoded = text.decode(raw);
  } catch {
    throw new ValidationError('The body is not valid UTF-8');
  }
  try {
    return JSON.parse(decoded);
  } catch {
    throw new ValidationError('The body is not valid JSON');
  }
};

const toResponse = (result: ApiResult): APIGatewayProxyStructuredResultV2 => ({
  statusCode: result.status,
  headers: {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...result.headers,
  },
  body: result.text ?? (result.body === undefined ? '' : JSON.stringify(result.body)),
});

export const errorResponse = (error: unknown): APIGatewayProxyStructuredResultV2 => {
  if (error instanceof ContractError) {
    return toResponse({
      status: error.status,
      headers: error.headers,
      body: { error: { code: error.code, message: error.message, details: error.details } },
    });
  }
  if (isTransientFailure(error)) {
    logger.warn('transient failure answered 503', { error: String(error) });
    return errorResponse(new ServiceUnavailableError());
  }
  logger.error('unhandled error', error as Error);
  return toResponse({
    status: 500,
    body: { error: { code: 'INTERNAL', message: 'internal error', details: [] } },
  });
};

/** A route whose body is not the contract's JSON: its own size limit, and left for the route to read. */
export interface RawBodyRule {
  /** Bytes above which the body is refused with 413 (the contract's 16 KiB for every other route). */
  maxBytes: number;
}

export interface RouterOptions {
  /** Route keys whose bodies may be form-encoded (RFC 8058 one-click unsubscribe). */
  formRoutes?: string[];
  /**
   * Route keys whose bodies the route reads itself from `rawBody`/`rawBytes` (a CSV upload, a store's own
   * webhook format): `body` stays undefined, and the size limit is the rule's.
   */
  rawBodyRoutes?: Record<string, RawBodyRule>;
  /**
   * Authenticates a request from its headers and raw body before the body is parsed (signed webhooks), so an
   * unauthenticated caller learns nothing from validation errors. Throws a ContractError to refuse. Given the
   * route key, since one function's routes may be signed in different ways.
   */
  authenticate?: (request: {
    routeKey: string;
    headers: Record<string, string>;
    rawBody: string;
  }) => Promise<void>;
  /**
   * The CORS headers of every answer (lambdas/use-cases/cors.ts), decided before the work: a page allowed to
   * call must be able to read its answer, errors included, and a request whose answer could not be read (the
   * list unreadable) is not processed.
   */
  cors?: (request: {
    path: string;
    origin: string | undefined;
    preflight: boolean;
  }) => Promise<Record<string, string>>;
}

const withHeaders = (
  response: APIGatewayProxyStructuredResultV2,
  headers: Record<string, string>,
): APIGatewayProxyStructuredResultV2 => ({ ...response, headers: { ...response.headers, ...headers } });

/** Builds the Lambda handler for a set of routes keyed by API Gateway route key ("POST /api/backorders"). */
export const apiHandler = (routes: Record<string, RouteHandler>, options: RouterOptions = {}) => {
  const dispatch = async (
    event: APIGatewayProxyEventV2,
    context?: Pick<Context, 'getRemainingTimeInMillis'>,
  ): Promise<APIGatewayProxyStructuredResultV2> => {
    let cors: Record<string, string> = options.cors ? { vary: 'Origin' } : {};
    try {
      const headers = lowerCaseHeaders(event.headers);
      // Before anything else (route, body, signature): a caller that went around CloudFront learns nothing.
      await verifyOrigin(headers, event.headers);
      if (options.cors) {
        cors = await options.cors({
          path: event.rawPath,
          origin: headers.origin,
          preflight: event.requestContext.http.method === 'OPTIONS',
        });
      }
      const route = routes[event.routeKey];
      if (!route) throw new NotFoundError(`No route ${event.routeKey}`);
      const raw = decodeBody(event);
      const rawRule = options.rawBodyRoutes?.[event.routeKey];
      const maxBytes = rawRule?.maxBytes ?? MAX_BODY_BYTES;
      if (raw.length > maxBytes) throw new PayloadTooLargeError(maxBytes);
      // Decoded once: the signature check and the route read the same text.
      const rawBody = raw.toString('utf8');
      await options.authenticate?.({ routeKey: event.routeKey, headers, rawBody });
      const body = rawRule
        ? undefined
        : parseBody(raw, headers['content-type'], options.formRoutes?.includes(event.routeKey) ?? false);
      const caller = callerFromContext(
        (event.requestContext as { authorizer?: { lambda?: unknown } }).authorizer?.lambda,
      );
      const result = await route({
        routeKey: event.routeKey,
        pathParameters: (event.pathParameters ?? {}) as Record<string, string>,
        query: (event.queryStringParameters ?? {}) as Record<string, string>,
        headers,
        body,
        rawBody,
        rawBytes: raw,
        // The viewer CloudFront names: trusted because the origin header verified, so CloudFront set it.
        sourceIp: clientAddress(headers[VIEWER_ADDRESS_HEADER], event.requestContext.http.sourceIp),
        caller,
        principal: caller?.principal,
        event,
        remainingMs: () => context?.getRemainingTimeInMillis() ?? Number.POSITIVE_INFINITY,
      });
      return withHeaders(toResponse(result), cors);
    } catch (error) {
      return withHeaders(errorResponse(error), cors);
    }
  };
  return { dispatch, handler: middy(dispatch) };
};
