/**
 * Runs `work` over items with at most `limit` in flight, keeping results in input order. Enough concurrency
 * to hide round trips, bounded so a page of hundreds never opens hundreds of sockets at once.
 */
export const mapWithLimit = async <T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> => {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
  return results;
};
