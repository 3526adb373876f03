/**
 * Helpers for the HTTP contract tests (docs/api.md and docs/webhooks.md): what a client sees, asserted the same way in
 * every file.
 */
import http from 'node:http';
import type { HttpResult, TestPlatform } from '../support/platform';

import { linkParts } from '../support/shop';

export { sleep } from '../support/wait';
export { linkParts, newProduct, putProduct, uniqueSku, type ProductBody } from '../support/shop';

/** Traces of a stack trace or of the server's file system, which an error body must never carry. */
const LEAKS = [/\n\s*at\s/, /\bat \S+ \(/, /:\d+:\d+/, /node_modules/, /\/work\//, /lambdas\//, /\.ts\b/];

/** Asserts the contract's error answer: the status, `{"error":{"code","message","details":[...]}}`, JSON, no stack. */
export const expectError = (response: HttpResult, status: number, code: string): void => {
  expect({ status: response.status, body: response.body }).toMatchObject({
    status,
    body: { error: { code } },
  });
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  expect(Object.keys(response.body)).toEqual(['error']);
  const { error } = response.body;
  expect(Object.keys(error).sort()).toEqual(['code', 'details', 'message']);
  expect(typeof error.message).toBe('string');
  expect(error.message.length).toBeGreaterThan(0);
  expect(Array.isArray(error.details)).toBe(true);
  for (const detail of error.details) {
    expect(typeof detail).toBe('object');
    expect(typeof detail.message).toBe('string');
  }
  const text = JSON.stringify(response.body);
  for (const leak of LEAKS) expect(text).not.toMatch(leak);
};

export const signUp = (
  platform: TestPlatform,
  body: Record<string, unknown>,
  headers?: Record<string, string>,
) => platform.request('POST', '/api/backorders', { json: body, headers });

/** Queue order of the contract: oldest first (createdAt, then id as the tie-break of the same millisecond). */
export const oldestFirst = <T extends { createdAt: string; id: string }>(items: T[]): T[] =>
  [...items].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));

export const statusOf = (platform: TestPlatform, statusUrl: string) => {
  const { id, token } = linkParts(statusUrl);
  return platform.request('GET', `/api/backorders/${id}?token=${encodeURIComponent(token)}`);
};

export const cancelByShopper = (platform: TestPlatform, statusUrl: string) => {
  const { id, token } = linkParts(statusUrl);
  return platform.request('POST', `/api/backorders/${id}/cancel?token=${encodeURIComponent(token)}`);
};

/** The console's backorder lookup, e.g. `{ email }` or `{ sku, status }`. */
export const adminBackorders = (platform: TestPlatform, query: Record<string, string | number>) =>
  platform.admin('GET', `/api/admin/backorders?${new URLSearchParams(stringValues(query))}`);

const stringValues = (query: Record<string, string | number>) =>
  Object.fromEntries(Object.entries(query).map(([k, v]) => [k, String(v)]));

/**
 * A request from another local client address (127.0.0.x): the gateway sees it as a different shopper's
 * machine, without any header the client could forge.
 */
export const requestFrom = (
  platform: TestPlatform,
  localAddress: string,
  method: string,
  path: string,
  json?: unknown,
): Promise<HttpResult> =>
  new Promise((resolve, reject) => {
    const body = json === undefined ? undefined : JSON.stringify(json);
    const request = http.request(
      {
        host: '127.0.0.1',
        port: platform.port,
        method,
        path,
        localAddress,
        headers: body
          ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }
          : {},
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const headers = new Headers();
          for (const [name, value] of Object.entries(response.headers)) {
            if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
          }
          let parsed: unknown = text;
          try {
            parsed = text ? JSON.parse(text) : undefined;
          } catch {
            // Not JSON: kept as text.
          }
          resolve({ status: response.statusCode ?? 0, headers, body: parsed });
        });
      },
    );
    request.on('error', reject);
    request.end(body);
  });
