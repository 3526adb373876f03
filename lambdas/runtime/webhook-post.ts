/**
 * One POST to a shop's endpoint, and the only way the platform makes one. Guarded three ways:
 * - where it goes: the URL is checked as it would be on save (scheme, an IP literal's range), and a name is
 *   resolved again now, through `checkedLookup`, so the socket connects only to an address that was just
 *   judged (no window between the check and the connection for the name to change);
 * - what it follows: nothing. Node's http client never follows a redirect; a 3xx is just a status;
 * - what it keeps: the status code. The body (and every header) of the answer is never read, so nothing an
 *   internal service would say can reach the deliveries table or the console.
 * A new connection per delivery (no keep-alive pool): each delivery resolves and checks afresh.
 */
import http from 'node:http';
import https from 'node:https';
import {
  endpointHost,
  endpointUrlProblem,
  refusalReason,
  type EgressPolicy,
} from '../domain/webhook-address';
import type { DeliveryFailure } from '../domain/webhook-failure';
import { AddressRefused, checkedLookup } from './webhook-resolver';

export type PostAnswer =
  { status: number; failure?: undefined } | { status?: undefined; failure: DeliveryFailure };

export interface PostOptions {
  policy: EgressPolicy;
  /** Until the answer's status line and headers are in. */
  timeoutMs: number;
}

const failureOf = (error: unknown, url: URL, timeoutMs: number): DeliveryFailure => {
  if (error instanceof AddressRefused) {
    const host = endpointHost(url);
    const name = host.kind === 'name' ? host.name : host.address;
    return { kind: 'blocked', reason: refusalReason(name, error.range, true) };
  }
  const name = (error as Error)?.name;
  if (name === 'AbortError' || name === 'TimeoutError') return { kind: 'timeout', seconds: timeoutMs / 1000 };
  return { kind: 'connection', code: (error as NodeJS.ErrnoException)?.code };
};

export const postToEndpoint = (
  target: string,
  headers: Record<string, string>,
  body: string,
  options: PostOptions,
): Promise<PostAnswer> => {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return Promise.resolve({ failure: { kind: 'blocked', reason: 'the URL is not valid' } });
  }
  // An endpoint saved before a rule existed, or under another policy, is judged again here.
  const problem = endpointUrlProblem(url, options.policy);
  if (problem) return Promise.resolve({ failure: { kind: 'blocked', reason: `the endpoint ${problem}` } });

  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    let settled = false;
    const settle = (answer: PostAnswer) => {
      if (settled) return;
      settled = true;
      resolve(answer);
    };
    const request = client.request(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) },
        // A fresh connection, resolved and checked now; TLS still verifies the certificate for the name.
        agent: false,
        lookup: checkedLookup(url.protocol, options.policy),
        signal: AbortSignal.timeout(options.timeoutMs),
      },
      (response) => {
        settle({ status: response.statusCode ?? 0 });
        // Not a byte of the body is read: the connection is closed with it unread.
        response.destroy();
      },
    );
    request.on('error', (error) => settle({ failure: failureOf(error, url, options.timeoutMs) }));
    request.end(body);
  });
};
