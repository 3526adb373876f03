/** Waiting in tests: one `sleep` for every file (prefer waiting on an event where there is one). */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
