/**
 * Retries a write that must not be left half-done, with jittered exponential backoff, for writes whose
 * failure the caller cannot simply hand back: a send SES already accepted, a signup's rollback. DynamoDB
 * throttling passes in seconds, and the AWS SDK's own three attempts are over in well under one.
 */
export interface PersistPolicy {
  tries: number;
  firstWaitMs: number;
  longestWaitMs: number;
}

/** About ten seconds in all: inside every function's timeout, long enough for throttling to pass. */
export const PERSIST: PersistPolicy = { tries: 7, firstWaitMs: 200, longestWaitMs: 5_000 };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const persistently = async <T>(
  write: () => Promise<T>,
  policy: PersistPolicy = PERSIST,
  /** Which failures are worth another try (default: all). */
  retryIf: (error: unknown) => boolean = () => true,
): Promise<T> => {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      if (attempt >= policy.tries || !retryIf(error)) throw error;
      const wait = Math.min(policy.longestWaitMs, policy.firstWaitMs * 2 ** (attempt - 1));
      await sleep(wait * (0.5 + Math.random()));
    }
  }
};
