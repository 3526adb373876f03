/**
 * Why a webhook delivery did not go through, in our own words only. What a receiver says (its body, its
 * headers, a redirect's Location) is never read into these: an endpoint pointed at an internal service must
 * not turn the console into a window onto that service's answers. The status code is all of the receiver's
 * answer that is kept.
 */

export type DeliveryFailure =
  /** The receiver answered with a status other than 2xx. */
  | { kind: 'status'; status: number }
  /** No answer (headers) within the delivery's time limit. */
  | { kind: 'timeout'; seconds: number }
  /** No connection: refused, reset, DNS failure, TLS failure… `code` is Node's error code, when it has one. */
  | { kind: 'connection'; code?: string }
  /** Not sent: the endpoint's address is private or internal ("10.0.0.5 is a private address"). */
  | { kind: 'blocked'; reason: string };

/** Node's error codes (ECONNREFUSED, CERT_HAS_EXPIRED, ERR_TLS_CERT_ALTNAME_INVALID …); anything else is dropped. */
const ERROR_CODE = /^[A-Z][A-Z0-9_]{1,63}$/;

/** The one line the console shows as the last answer. */
export const failureText = (failure: DeliveryFailure): string => {
  switch (failure.kind) {
    case 'status':
      return failure.status >= 300 && failure.status < 400
        ? `HTTP ${failure.status}: redirect not followed`
        : `HTTP ${failure.status}`;
    case 'timeout':
      return `no answer within ${failure.seconds} s`;
    case 'connection':
      return failure.code && ERROR_CODE.test(failure.code)
        ? `connection failed: ${failure.code}`
        : 'connection failed';
    case 'blocked':
      return `not sent: ${failure.reason}`.replace(/\s+/g, ' ').slice(0, 300);
  }
};

/** Every text `failureText` can make; anything else in a stored row is from before these rules. */
const OUR_TEXTS = [
  /^HTTP \d{3}(: redirect not followed)?$/,
  /^no answer within \d+ s$/,
  /^connection failed(: [A-Z][A-Z0-9_]{1,63})?$/,
  /^not sent: /,
];

/**
 * The last error as the API shows it. Rows recorded before these rules (kept 30 days) may hold a receiver's
 * words ("HTTP 400: <its body>", a redirect's target): those are cut back to the status.
 */
export const shownDeliveryError = (stored: string | undefined | null): string | null => {
  if (stored === undefined || stored === null) return null;
  if (OUR_TEXTS.some((text) => text.test(stored))) return stored;
  const status = /^HTTP (\d{3})\b/.exec(stored);
  return status
    ? failureText({ kind: 'status', status: Number(status[1]) })
    : failureText({ kind: 'connection' });
};
