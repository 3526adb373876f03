import { backoffSeconds, isTransientFailure } from '../../lambdas/runtime/retry-backoff';

describe('retrying a throttled email', () => {
  test('each retry waits twice as long as the last, up to five minutes', () => {
    expect([1, 2, 3, 4, 5, 8].map((n) => backoffSeconds(n))).toEqual([2, 4, 8, 16, 32, 256]);
    expect(backoffSeconds(20)).toBe(300);
  });

  test('throttling and brief outages back off; a malformed message does not', () => {
    expect(
      isTransientFailure(Object.assign(new Error('Maximum sending rate exceeded.'), { name: 'Throttling' })),
    ).toBe(true);
    expect(isTransientFailure(Object.assign(new Error('x'), { $metadata: { httpStatusCode: 503 } }))).toBe(
      true,
    );
    expect(isTransientFailure(Object.assign(new Error('busy'), { name: 'SendInFlight' }))).toBe(true);
    expect(isTransientFailure(new SyntaxError('Unexpected end of JSON input'))).toBe(false);
    expect(isTransientFailure(Object.assign(new Error('bad'), { name: 'ZodError' }))).toBe(false);
  });
});
