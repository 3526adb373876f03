/**
 * A stand-in for the shop's ERP: a local HTTP server that takes outbound webhook deliveries. Each path
 * answers as the test says (a status, after an optional delay) and every request is kept, with its raw body
 * and headers, in arrival order.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  path: string;
  headers: http.IncomingHttpHeaders;
  rawBody: string;
  /** The nth request of this path, from 1. */
  attempt: number;
}

export interface Answer {
  status: number;
  body?: string;
  headers?: Record<string, string>;
  delayMs?: number;
}

/** What a path answers to its nth request. */
export type Responder = (attempt: number) => Answer;

export interface WebhookReceiver {
  baseUrl: string;
  /** Says how `path` answers (204 until told otherwise). */
  respond(path: string, responder: Responder): string;
  /** Requests received on `path`, oldest first. */
  requests(path: string): ReceivedRequest[];
  /** Every "arrived" and "answered" moment, in order: `<path> arrived`, `<path> answered`. */
  timeline: string[];
  waitForRequests(path: string, count: number, timeoutMs?: number): Promise<ReceivedRequest[]>;
  close(): Promise<void>;
}

export const startWebhookReceiver = async (): Promise<WebhookReceiver> => {
  const responders = new Map<string, Responder>();
  const received: ReceivedRequest[] = [];
  const timeline: string[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = request.url ?? '/';
      const attempt = received.filter((r) => r.path === path).length + 1;
      received.push({
        path,
        headers: request.headers,
        rawBody: Buffer.concat(chunks).toString('utf8'),
        attempt,
      });
      timeline.push(`${path} arrived`);
      const answer: Answer = (responders.get(path) ?? (() => ({ status: 204 })))(attempt);
      setTimeout(() => {
        timeline.push(`${path} answered`);
        response.writeHead(answer.status, { 'content-type': 'text/plain', ...answer.headers });
        response.end(answer.body ?? '');
      }, answer.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const requests = (path: string) => received.filter((r) => r.path === path);
  return {
    baseUrl,
    respond: (path, responder) => {
      responders.set(path, responder);
      return `${baseUrl}${path}`;
    },
    requests,
    timeline,
    waitForRequests: async (path, count, timeoutMs = 20_000) => {
      const deadline = Date.now() + timeoutMs;
      while (requests(path).length < count && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      return requests(path);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
};
