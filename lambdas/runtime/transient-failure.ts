/**
 * Transient failures, errors that pass on their own: AWS throttling, a service briefly unavailable, a send in flight elsewhere,
 * a ticket lost to other signups of the same drop on every try (TicketContention).
 * Queue consumers retry them later with backoff; the HTTP API answers them with 503 and Retry-After, because
 * the request was fine and the same request will succeed shortly.
 */
export const isTransientFailure = (error: unknown): boolean => {
  const name = (error as { name?: string }).name ?? '';
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode ?? 0;
  const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
  return (
    /Throttl|TooManyRequests|RequestLimitExceeded|ProvisionedThroughputExceeded|ServiceUnavailable|SendInFlight|SendUnanswered|Contention/.test(
      name,
    ) ||
    /Maximum sending rate exceeded/i.test((error as Error).message ?? '') ||
    // A transaction cancelled only because another one held its items (or throttled): nothing was written.
    (reasons.length > 0 &&
      reasons.every((r) => !r.Code || r.Code === 'None' || /Conflict|Throttl/.test(r.Code)) &&
      reasons.some((r) => r.Code && r.Code !== 'None')) ||
    status === 429 ||
    status >= 500
  );
};
