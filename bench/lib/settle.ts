/**
 * The end of a scenario's run, one way for all: the work queues drained within a shared time limit (a
 * duplicate comes from work done twice, so everything must have run before counting), and what the run put
 * into their dead-letter queues.
 */
import type { BenchStack } from './stack';

type Depths = Pick<BenchStack, 'queueDepth' | 'drain'>;

/** Each queue's depth now (dead-letter queues before a run: what it adds is what it dead-lettered). */
export const depthsOf = (stack: Depths, urls: readonly string[]): Promise<number[]> =>
  Promise.all(urls.map((url) => stack.queueDepth(url)));

/** Waits for each queue to empty, all within `timeoutMs` (at least a second each); answers what is left. */
export const drainAll = async (
  stack: Depths,
  urls: readonly string[],
  timeoutMs: number,
): Promise<number> => {
  const started = performance.now();
  let left = 0;
  for (const url of urls)
    left += (await stack.drain(url, Math.max(1000, timeoutMs - (performance.now() - started)))).left;
  return left;
};

/** Messages the run put into these dead-letter queues, from their depths before it. */
export const deadLetteredSince = async (
  stack: Depths,
  urls: readonly string[],
  before: readonly number[],
): Promise<number> => (await depthsOf(stack, urls)).reduce((sum, n, i) => sum + n - before[i], 0);
