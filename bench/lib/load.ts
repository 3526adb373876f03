/** The parent side of the load generator child process (see load-worker.ts). */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { STOP_JOB, type LoadJob, type LoadResult } from './load-protocol';

export type { LoadJob, LoadResult, LoadSample } from './load-protocol';
export { emptyLoadResult } from './load-protocol';

const WORKER = path.join(__dirname, 'load-worker.ts');

export interface LoadGenerator {
  /** Runs one job; jobs run one after another. */
  run(job: LoadJob): Promise<LoadResult>;
  /** Ends the running job early (no new request starts); its `run` then answers with what it measured. */
  endJob(): void;
  stop(): Promise<void>;
}

/** Starts the child once, so its JIT and connection pool stay warm from one job to the next. */
export const startLoadGenerator = (): LoadGenerator => {
  const child = spawn(process.execPath, ['--require', require.resolve('tsx/cjs'), WORKER], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let pending: { resolve: (r: LoadResult) => void; reject: (e: Error) => void } | undefined;
  let exited = false;
  child.on('message', (message) => {
    const waiting = pending;
    pending = undefined;
    waiting?.resolve(message as LoadResult);
  });
  child.once('exit', (code, signal) => {
    exited = true;
    pending?.reject(new Error(`load generator exited with ${signal ?? `code ${code}`} before answering`));
    pending = undefined;
  });
  let queue = Promise.resolve() as Promise<unknown>;
  const run = (job: LoadJob): Promise<LoadResult> => {
    const next = queue.then(
      () =>
        new Promise<LoadResult>((resolve, reject) => {
          if (exited) return reject(new Error('load generator is not running'));
          pending = { resolve, reject };
          child.send(job);
        }),
    );
    queue = next.catch(() => undefined);
    return next;
  };
  const stop = () =>
    new Promise<void>((resolve) => {
      if (exited) return resolve();
      child.once('exit', () => resolve());
      child.disconnect();
      setTimeout(() => child.kill('SIGKILL'), 3000).unref();
    });
  const endJob = () => {
    if (!exited) child.send(STOP_JOB);
  };
  return { run, endJob, stop };
};

/** Answers that are not 2xx, plus requests that got no answer at all. */
export const failuresOf = (
  result: Pick<LoadResult, 'statuses' | 'networkErrors' | 'failuresOutsideWindow'>,
): number =>
  result.networkErrors +
  result.failuresOutsideWindow +
  Object.entries(result.statuses)
    .filter(([status]) => Number(status) < 200 || Number(status) > 299)
    .reduce((sum, [, count]) => sum + count, 0);

export const formatStatuses = (
  result: Pick<LoadResult, 'statuses' | 'networkErrors' | 'failuresOutsideWindow'>,
): string =>
  Object.entries(result.statuses)
    .map(([status, count]) => `${status}×${count}`)
    .join(' ') +
  (result.networkErrors ? ` no-answer×${result.networkErrors}` : '') +
  (result.failuresOutsideWindow ? ` failed outside the window×${result.failuresOutsideWindow}` : '');

/** Several results of the same kind of load as one: counts and samples added, time summed. */
export const combine = (results: readonly LoadResult[]): LoadResult => {
  const statuses: Record<string, number> = {};
  for (const r of results)
    for (const [status, count] of Object.entries(r.statuses))
      statuses[status] = (statuses[status] ?? 0) + count;
  return {
    mode: results[0]?.mode ?? 'closed',
    completed: results.reduce((sum, r) => sum + r.completed, 0),
    elapsedSeconds: results.reduce((sum, r) => sum + r.elapsedSeconds, 0),
    latenciesMs: results.flatMap((r) => r.latenciesMs),
    sendLagMs: results.flatMap((r) => r.sendLagMs),
    statuses,
    networkErrors: results.reduce((sum, r) => sum + r.networkErrors, 0),
    failuresOutsideWindow: results.reduce((sum, r) => sum + r.failuresOutsideWindow, 0),
    errorSamples: results.flatMap((r) => r.errorSamples).slice(0, 5),
    issued: results.reduce((sum, r) => sum + r.issued, 0),
    nextN: Math.max(0, ...results.map((r) => r.nextN)),
    ...(results.some((r) => r.samples) ? { samples: results.flatMap((r) => r.samples ?? []) } : {}),
  };
};
