/** Waiting in tests: one `sleep` for every file (prefer waiting on an event where there is one). */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Reads until `read` gives `expected` (compared as JSON), or `timeoutMs` passed; answers the last value
 * read, for the test's own assertion to report.
 */
export const waitForValue = async <T>(
  read: () => Promise<T>,
  expected: T,
  timeoutMs = 15_000,
): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  let last = await read();
  while (JSON.stringify(last) !== JSON.stringify(expected) && Date.now() < deadline) {
    await sleep(150);
    last = await read();
  }
  return last;
};
