/**
 * Cross-origin calls from a shop's own pages (the storefront embed), decided in one place: only the routes a
 * signup form needs (a product, a signup, "email me my links"), only from the origins the shop listed under
 * settings `embed.allowedOrigins`, and never with credentials. Every other origin, every other route and every
 * admin route get no `Access-Control-Allow-Origin`, so a browser keeps their answers from the calling page.
 *
 * Every answer says `Vary: Origin`: a cache in between must never hand one origin's answer to another.
 */

/** The public paths a page on an allowed origin may call, and the methods each takes. */
const EMBEDDABLE: ReadonlyArray<{ path: RegExp; methods: string }> = [
  { path: /^\/api\/products\/by-product\/[^/]+$/, methods: 'GET' },
  { path: /^\/api\/products\/[^/]+$/, methods: 'GET' },
  { path: /^\/api\/backorders$/, methods: 'POST' },
  { path: /^\/api\/links$/, methods: 'POST' },
];

/** How long a browser may reuse a preflight's answer: a removed origin stops working within this. */
export const PREFLIGHT_MAX_AGE_SECONDS = 600;

/**
 * A web origin exactly as browsers send it in `Origin`: `scheme://host[:port]`, lower case, no default port,
 * no path. Anything else (a path, a trailing slash, upper case, `null`) is not one.
 */
export const isWebOrigin = (value: string): boolean => {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value;
  } catch {
    return false;
  }
};

export interface CorsQuestion {
  /** The request path (`/api/backorders`). */
  path: string;
  /** The request's `Origin` header, if it had one. */
  origin: string | undefined;
  /** An `OPTIONS` preflight rather than the request itself. */
  preflight: boolean;
  allowedOrigins: readonly string[];
}

/** The CORS headers of an answer of the public API (always at least `Vary: Origin`). */
export const corsHeaders = ({
  path,
  origin,
  preflight,
  allowedOrigins,
}: CorsQuestion): Record<string, string> => {
  const headers: Record<string, string> = { vary: 'Origin' };
  const route = EMBEDDABLE.find((candidate) => candidate.path.test(path));
  if (!route || !origin || !allowedOrigins.includes(origin)) return headers;
  headers['access-control-allow-origin'] = origin;
  // A 429's or 503's Retry-After, so the embed can say how long to wait.
  if (!preflight) headers['access-control-expose-headers'] = 'Retry-After';
  if (preflight) {
    headers['access-control-allow-methods'] = route.methods;
    headers['access-control-allow-headers'] = 'content-type';
    headers['access-control-max-age'] = String(PREFLIGHT_MAX_AGE_SECONDS);
  }
  return headers;
};
