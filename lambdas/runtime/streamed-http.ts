/**
 * The HTTP edge of a function whose answers are streamed (lib/platform.ts `streamed` routes): CloudFront sends
 * their paths to the function's own URL (invoke mode RESPONSE_STREAM), so the answer may be any size and
 * leaves page by page as it is made, which API Gateway's Lambda integration (buffered, 6 MB) cannot do.
 *
 * Nothing stands in front of the function URL, so this does what API Gateway and lambdas/runtime/http.ts do
 * for the other routes, in the same order: the origin secret first (only CloudFront gets through), the route
 * (a function URL event has no route key: method and path are matched here), the caller (`admit`), then the
 * route. Until the route has its first chunk in hand every failure is the contract's JSON error; once bytes
 * are on their way a failure can no longer change the status line, so the stream is destroyed: the client's
 * download breaks off (no final chunk), never a short file that looks complete. The route's generator stops
 * at its next page when the client goes away.
 *
 * The handler is middy's streaming mode (`streamifyResponse`, wrapped in Lambda's `awslambda.streamifyResponse`,
 * which the Node.js runtime provides and local/awslambda.ts stands in for locally).
 */
import { Readable } from 'node:stream';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { NotFoundError } from './errors';
import { errorResponse, lowerCaseHeaders } from './http';
import { logger } from './logger';
import { verifyOrigin } from './origin-verify';

export interface StreamedRequest {
  /** `GET /api/admin/products.csv`: the route's key in lib/platform.ts. */
  routeKey: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  /** Who was admitted, for the audit trail. */
  principal: string;
}

/** What middy's streaming mode sends: the status and headers as the response's prelude, then the body. */
export interface StreamedResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string | Readable;
}

export type StreamedRoute = (request: StreamedRequest) => Promise<StreamedResult>;

export interface StreamedRouterOptions {
  /** Who the caller is and whether they may call the route; throws the contract's 401 or 403 when not. */
  admit: (headers: Record<string, string>, routeKey: string) => Promise<{ principal: string }>;
}

/**
 * A file sent as it is made. The first chunk is awaited before the answer is 200, so a file that cannot even
 * begin (DynamoDB unavailable, a bad filter found late) is still an error answer; every later chunk is read
 * only when the client has taken the ones before (the Readable's back-pressure).
 */
export const streamedFile = async (
  request: StreamedRequest,
  file: { contentType: string; fileName: string; chunks: AsyncGenerator<string, void, undefined> },
): Promise<StreamedResult> => {
  const first = await file.chunks.next();
  const audit = { routeKey: request.routeKey, principal: request.principal, file: file.fileName };
  logger.info('streamed file started', audit);
  async function* all(): AsyncGenerator<string, void, undefined> {
    let bytes = 0;
    // Paused at a yield: what ends the generator there comes from the reader (the client went away).
    let withReader = false;
    try {
      for (let next = first; !next.done; next = await file.chunks.next()) {
        bytes += Buffer.byteLength(next.value);
        withReader = true;
        yield next.value;
        withReader = false;
      }
    } catch (error) {
      if (withReader) logger.info('streamed file abandoned by its reader', { ...audit, bytes });
      else
        logger.error('streamed file failed after it began: the download is cut short', {
          ...audit,
          bytes,
          error: error as Error,
        });
      throw error;
    } finally {
      // The source stops reading pages, whatever ended this.
      await file.chunks.return(undefined);
    }
    logger.info('streamed file finished', { ...audit, bytes });
  }
  return {
    statusCode: 200,
    headers: {
      'content-type': file.contentType,
      'content-disposition': `attachment; filename="${file.fileName}"`,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    },
    // Bytes, not objects: the stream reads the next page only once less than its high-water mark is waiting.
    body: Readable.from(all(), { objectMode: false }),
  };
};

/** Builds the streaming Lambda handler for a set of routes keyed like lib/platform.ts's ("GET /api/…"). */
export const streamedApiHandler = (routes: Record<string, StreamedRoute>, options: StreamedRouterOptions) => {
  const dispatch = async (event: APIGatewayProxyEventV2, _context?: Context): Promise<StreamedResult> => {
    try {
      const headers = lowerCaseHeaders(event.headers);
      // Before anything else: a caller that went around CloudFront learns nothing, not even the routes.
      await verifyOrigin(headers, event.headers);
      const routeKey = `${event.requestContext.http.method} ${event.rawPath}`;
      const route = routes[routeKey];
      if (!route) throw new NotFoundError(`No route ${routeKey}`);
      const { principal } = await options.admit(headers, routeKey);
      return await route({
        routeKey,
        query: (event.queryStringParameters ?? {}) as Record<string, string>,
        headers,
        principal,
      });
    } catch (error) {
      const answer = errorResponse(error);
      return {
        statusCode: answer.statusCode ?? 500,
        headers: Object.fromEntries(
          Object.entries(answer.headers ?? {}).map(([name, value]) => [name, String(value)]),
        ),
        body: answer.body ?? '',
      };
    }
  };
  return {
    dispatch,
    handler: middy<APIGatewayProxyEventV2, StreamedResult>({ streamifyResponse: true }).handler(dispatch),
  };
};
