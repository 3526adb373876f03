/**
 * A scenario's queues before and after its run, one way for all: what earlier scenarios left waited for; at
 * the end the work queues drained within a shared time limit (a duplicate comes from work done twice, so
 * everything must have run before counting), and what the run put into their dead-letter queues.
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

/**
 * Before a run: waits for what earlier scenarios left in these queues (by name), saying so, so that none of
 * their work is counted as this run's.
 */
export const drainLeftovers = async <Q extends string>(
  stack: Depths,
  queueUrls: Readonly<Record<Q, string>>,
  names: readonly Q[],
  say: (line: string) => void,
): Promise<void> => {
  for (const name of names) {
    const backlog = await stack.queueDepth(queueUrls[name]);
    if (backlog === 0) continue;
    say(`waiting for ${backlog} messages left in the ${name} queue by earlier scenarios…`);
    await stack.drain(queueUrls[name], 120_000);
  }
};
