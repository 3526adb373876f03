// @ts-check
/**
 * The pages' only way to talk to the platform's JSON API (docs/api.md).
 *
 * Success resolves to { status, body }; the contract's error shape
 * {"error":{"code","message","details"}} becomes an ApiError, and a request that never got an answer becomes
 * a NetworkError, so each page decides what a shopper reads instead of guessing from raw responses.
 */

export class ApiError extends Error {
  /**
   * @param {{status:number, code:string, message:string, details:Array<{path?:unknown, message?:string}>,
   *   retryAfterSeconds:number|null}} fields
   */
  constructor({ status, code, message, details, retryAfterSeconds }) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

export class NetworkError extends Error {
  constructor(cause) {
    super('The request did not reach the server.');
    this.name = 'NetworkError';
    this.cause = cause;
  }
}

/**
 * Sends one request to the API. `body` undefined sends no body at all (the contract's body-less actions,
 * such as cancel, accept that). `options.headers` adds headers, such as the console's Authorization;
 * `options.contentType` sends `body` (a string, Blob or ArrayBuffer) as it is, with that type, instead of as
 * JSON (a CSV file).
 * @param {'GET'|'POST'|'PUT'|'DELETE'} method
 * @param {string} path
 * @param {unknown} [body]
 * @param {{headers?: Record<string, string>, contentType?: string}} [options]
 * @returns {Promise<{status:number, body:any}>}
 */
export async function request(method, path, body, options = {}) {
  /** @type {Record<string, string>} */
  const headers = { Accept: 'application/json', ...options.headers };
  /** @type {RequestInit} */
  const init = { method, headers, credentials: 'same-origin', cache: 'no-store' };
  if (body !== undefined) {
    headers['Content-Type'] = options.contentType ?? 'application/json';
    init.body = options.contentType ? /** @type {BodyInit} */ (body) : JSON.stringify(body);
  }

  let response;
  let text;
  try {
    response = await fetch(path, init);
    text = await response.text();
  } catch (cause) {
    throw new NetworkError(cause);
  }

  const payload = parseJson(text);
  if (response.ok) return { status: response.status, body: payload };

  const error =
    payload && typeof payload === 'object' && payload.error && typeof payload.error === 'object'
      ? payload.error
      : {};
  throw new ApiError({
    status: response.status,
    // Anything that is not the contract's shape (a proxy's HTML 502, say) still gets a code to branch on.
    code:
      typeof error.code === 'string'
        ? error.code
        : response.status >= 500
          ? 'INTERNAL'
          : `HTTP_${response.status}`,
    message: typeof error.message === 'string' && error.message ? error.message : 'The request failed.',
    details: Array.isArray(error.details) ? error.details : [],
    retryAfterSeconds: parseRetryAfter(response.headers.get('Retry-After')),
  });
}

/**
 * The top-level field a validation detail is about: "email", ["email"], "/email", "body.email" and
 * "quantity[0]" all name their first property. Returns null when the detail names no field.
 * @param {{path?: unknown}} detail
 * @returns {string|null}
 */
export function fieldOfDetail(detail) {
  if (!detail || typeof detail !== 'object') return null;
  let path = detail.path;
  if (Array.isArray(path)) path = path.join('.');
  if (typeof path !== 'string' || path === '') return null;
  const parts = path.split(/[./[\]]+/).filter(Boolean);
  if (parts[0] === 'body' && parts.length > 1) parts.shift();
  return parts[0] || null;
}

function parseJson(text) {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** Retry-After is either delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
function parseRetryAfter(value) {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return null;
  return Math.max(0, Math.ceil((at - Date.now()) / 1000));
}
