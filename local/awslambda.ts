/**
 * What Lambda's Node.js runtime gives a streaming function, for the local runner: the global `awslambda` with
 * `streamifyResponse` (marks a handler as streaming, as the runtime's does) and `HttpResponseStream.from` (the
 * status and headers a function URL sends before the body), and the response stream itself, a Writable whose
 * bytes go to the HTTP client as they are written: the handler that deploys (lambdas/exporter/handler.ts,
 * through middy's streaming mode) runs unchanged.
 *
 * Lambda calls a streaming handler as `(event, responseStream, context)`. The runner's handlers are
 * `(event, context)` (local/handlers.ts), so the stream travels beside the call instead: the gateway runs the
 * invocation inside `withResponseStream`, and the loaded handler takes the stream from there; every wrapper
 * between them (the runner's, the bench's, a fault test's) passes the call on untouched.
 *
 * As on AWS, the answer is chunked (no Content-Length), each write goes out when the client can take it
 * (a write waits for the socket's drain), and a stream destroyed with an error, or a handler that fails after
 * the first byte, aborts the response: the client sees the download break off, never a clean end.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { ServerResponse } from 'node:http';
import { Writable } from 'node:stream';
import type { Context } from 'aws-lambda';

/** The runtime's mark on a handler wrapped by `awslambda.streamifyResponse`. */
const STREAMING = Symbol.for('aws.lambda.runtime.handler.streaming');

type StreamingHandler = (event: unknown, responseStream: Writable, context: Context) => Promise<unknown>;

interface HttpPrelude {
  statusCode?: number;
  headers?: Record<string, string | number | boolean>;
  cookies?: string[];
}

/** The response stream a streaming handler writes to, sending each chunk to the HTTP client as it comes. */
export class LocalResponseStream extends Writable {
  private contentType = 'application/octet-stream';
  private prelude: HttpPrelude | undefined;

  constructor(private readonly res: ServerResponse) {
    super();
    // The client went away: the handler's next write fails, so its pipeline stops reading pages.
    res.on('close', () => {
      if (!res.writableFinished && !this.destroyed)
        this.destroy(new Error('The client closed the connection'));
    });
  }

  setContentType(contentType: string): void {
    this.contentType = contentType;
  }

  /** `awslambda.HttpResponseStream.from`: the status and headers to send before the first byte. */
  setPrelude(prelude: HttpPrelude): void {
    this.prelude = prelude;
  }

  private start(): void {
    if (this.res.headersSent) return;
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(this.prelude?.headers ?? {})) headers[name] = String(value);
    if (this.prelude?.cookies?.length) headers['set-cookie'] = this.prelude.cookies;
    if (!this.prelude) headers['content-type'] = this.contentType;
    this.res.writeHead(this.prelude?.statusCode ?? 200, headers);
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.start();
    if (this.res.write(chunk)) done();
    else this.res.once('drain', () => done());
  }

  override _final(done: (error?: Error | null) => void): void {
    this.start();
    this.res.end(() => done());
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    // Failed mid-answer: no final chunk, the connection is cut, as the function URL does.
    if (error && !this.res.writableFinished) this.res.destroy();
    done(error);
  }
}

const invocationStream = new AsyncLocalStorage<LocalResponseStream>();

/** Whether a handler module's export was wrapped by `awslambda.streamifyResponse`. */
export const isStreamingHandler = (handler: unknown): boolean =>
  typeof handler === 'function' && (handler as unknown as Record<symbol, unknown>)[STREAMING] === 'response';

/** The runner's `(event, context)` form of a streaming handler: its stream is the gateway's (withResponseStream). */
export const streamingInvoker =
  (handler: unknown) =>
  (event: unknown, context: Context): Promise<unknown> => {
    const stream = invocationStream.getStore();
    if (!stream)
      throw new Error('A streaming handler is invoked only by the gateway, with a response stream');
    return (handler as StreamingHandler)(event, stream, context);
  };

/**
 * Runs one invocation of a streaming handler answering `res`. A handler that fails (or returns without ending
 * its stream, which Lambda counts as a failure) before the first byte gets the contract's 500; after it, the
 * connection is cut.
 */
export const withResponseStream = async (
  res: ServerResponse,
  invoke: () => Promise<unknown>,
): Promise<void> => {
  const stream = new LocalResponseStream(res);
  try {
    await invocationStream.run(stream, invoke);
    if (!stream.writableFinished) throw new Error('Response stream is not finished.');
  } catch (error) {
    if (res.headersSent) {
      stream.destroy(error as Error);
      res.destroy();
      return;
    }
    console.error('streaming handler failed before answering', error);
    res.writeHead(500, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
    res.end(JSON.stringify({ error: { code: 'INTERNAL', message: 'internal error', details: [] } }));
  }
};

/**
 * Gives the `awslambda` global what the Node.js runtime's has for streaming, unless it has it already. The
 * object itself may exist: the AWS SDK puts its invocation store on it.
 */
export const installAwsLambdaGlobal = (): void => {
  const global = globalThis as { awslambda?: Record<string, unknown> };
  const awslambda = (global.awslambda ??= {});
  awslambda.streamifyResponse ??= <T extends object>(handler: T): T =>
    Object.assign(handler, { [STREAMING]: 'response' });
  awslambda.HttpResponseStream ??= {
    from: (stream: Writable, prelude: HttpPrelude): Writable => {
      if (!(stream instanceof LocalResponseStream)) throw new Error('Not a local response stream');
      stream.setContentType('application/vnd.awslambda.http-integration-response');
      stream.setPrelude(prelude);
      return stream;
    },
  };
};
