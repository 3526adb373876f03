/**
 * The contract's error codes as typed errors. Domain code throws these; lambdas/runtime/http.ts maps them to
 * HTTP in one place. Anything else becomes a bare 500 "internal error" with no detail.
 */
export interface ErrorDetail {
  path: string;
  message: string;
}

export class ContractError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = code;
  }
}

export class ValidationError extends ContractError {
  constructor(message: string, details: ErrorDetail[] = []) {
    super(400, 'VALIDATION', message, details);
  }
}

export class UnauthorizedError extends ContractError {
  constructor(message = 'Authentication required') {
    super(401, 'UNAUTHORIZED', message);
  }
}

export class ForbiddenError extends ContractError {
  constructor(message = 'Not allowed') {
    super(403, 'FORBIDDEN', message);
  }
}

export class NotFoundError extends ContractError {
  constructor(message = 'Not found', details: ErrorDetail[] = []) {
    super(404, 'NOT_FOUND', message, details);
  }
}

export class BackordersDisabledError extends ContractError {
  constructor(message: string) {
    super(409, 'BACKORDERS_DISABLED', message);
  }
}

/** The backorder's state forbids what was asked: cancel a fulfilled one, fulfil a cancelled one. */
export class ConflictError extends ContractError {
  constructor(message: string) {
    super(409, 'CONFLICT', message);
  }
}

export class QuantityLimitError extends ContractError {
  constructor(max: number) {
    super(409, 'QUANTITY_LIMIT', `At most ${max} units can be backordered per customer`, [
      { path: 'quantity', message: `must be at most ${max}` },
    ]);
  }
}

export class PayloadTooLargeError extends ContractError {
  constructor(limitBytes: number) {
    super(413, 'PAYLOAD_TOO_LARGE', `Request bodies are limited to ${limitBytes} bytes`);
  }
}

export class UnsupportedMediaTypeError extends ContractError {
  /** `message` says what the route takes instead, for a route whose body is not JSON (a CSV upload). */
  constructor(message = 'Send the body as application/json') {
    super(415, 'UNSUPPORTED_MEDIA_TYPE', message);
  }
}

export class RateLimitedError extends ContractError {
  constructor(retryAfterSeconds: number, message = 'Too many signups, please try again shortly') {
    super(429, 'RATE_LIMITED', message, [], {
      'Retry-After': String(retryAfterSeconds),
    });
  }
}

/**
 * Not the caller's fault and not for long: AWS throttled or was briefly unavailable. Nothing was changed (a
 * write that fails leaves no trace, and multi-row writes are transactions), so the same request may be
 * repeated after Retry-After.
 */
export class ServiceUnavailableError extends ContractError {
  constructor(retryAfterSeconds = 1) {
    super(503, 'UNAVAILABLE', 'The service is busy, please try again shortly', [], {
      'Retry-After': String(retryAfterSeconds),
    });
  }
}
