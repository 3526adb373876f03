/**
 * The security headers of every page and static file under web/, defined once: the CDK web construct
 * (lib/web.ts) turns them into CloudFront response headers policies, and the local gateway (local/gateway.ts)
 * sends the same values, so the policy a browser enforces locally is the one it enforces on AWS.
 *
 * Sent as response headers rather than <meta http-equiv> tags: one definition instead of a copy per page, it
 * covers every file (a page added later cannot forget it), and `frame-ancestors` works only as a header.
 *
 * Keep this module free of imports: the local runner loads it without aws-cdk-lib.
 */

/**
 * Shopper pages (/, /p/{sku}, /status, /unsubscribe, /confirm) and every other static file: scripts,
 * styles and requests from this origin only, and no page of this site inside another site's frame.
 */
export const SITE_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The console: as strict as the shopper pages, with three reasons to differ. Sign-in on AWS talks to
 * Cognito (cognito-idp.<region>.amazonaws.com); the email preview renders marketers' HTML in a sandboxed
 * srcdoc frame, which inherits this policy, and emails carry inline styles and remote images by nature.
 * Scripts stay 'self' only, and the frame's empty sandbox runs none of its own.
 */
export const CONSOLE_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: https:",
  "connect-src 'self' https://*.amazonaws.com",
  "frame-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The CloudFront path pattern of the console's files: /console, /console/, /console/assets… and
 * /console-config.json. (The console's scripts live under /assets/console/ and get the site policy, which
 * does not matter: a policy applies to documents, not to the scripts they load.)
 */
export const CONSOLE_PATH_PATTERN = '/console*';

/**
 * The storefront embed's script (docs/embed.md): shops load it as a module script from their own pages, on
 * any origin, and a browser runs a cross-origin module only when its answer allows that origin. It is public
 * code sent without credentials, so every origin may read it; which origins may call the API is decided
 * there (settings `embed.allowedOrigins`). The other security headers stay as on every file.
 */
export const EMBED_PATH = '/embed.js';
export const EMBED_HEADERS: Readonly<Record<string, string>> = { 'access-control-allow-origin': '*' };

/** Two years, sub-domains included: the site is only ever served over HTTPS. */
export const STRICT_TRANSPORT_SECURITY_SECONDS = 63_072_000;

/** The headers besides the policy, as the browser sees them. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'strict-transport-security': `max-age=${STRICT_TRANSPORT_SECURITY_SECONDS}; includeSubDomains`,
};

/** The policy for a request path, chosen as CloudFront chooses the behaviour (a prefix match, case-sensitive). */
export const contentSecurityPolicyFor = (pathname: string): string =>
  pathname.startsWith(CONSOLE_PATH_PATTERN.replace(/\*$/, ''))
    ? CONSOLE_CONTENT_SECURITY_POLICY
    : SITE_CONTENT_SECURITY_POLICY;

/** Every security header of a static file's response (and the embed's CORS header), for the local gateway. */
export const pageHeadersFor = (pathname: string): Record<string, string> => ({
  ...SECURITY_HEADERS,
  'content-security-policy': contentSecurityPolicyFor(pathname),
  ...(pathname === EMBED_PATH ? EMBED_HEADERS : {}),
});
