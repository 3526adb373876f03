/** What the parent asks the load generator child for, and what it answers. Shared by both sides. */

export interface RequestTemplate {
  method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE';
  /** Path, may contain `{n}` (a counter unique within the job) and `{item}` (items[n % items.length]). */
  path: string;
  headers?: Record<string, string>;
  /** Body text with the same placeholders. */
  body?: string;
  items?: string[];
  /** Counter of the first request, so several jobs never repeat a value (e.g. a unique email). */
  firstN?: number;
}

/** The parent's message that ends the running job early: no new request starts, those in flight finish. */
export const STOP_JOB = 'stop-job';

/** One measured request, when the job asks for them (`recordSamples`). */
export interface LoadSample {
  /** The request's counter value (what `{n}` became). */
  n: number;
  /** Wall-clock time (epoch ms) it was scheduled (open loop) or sent (closed loop). */
  atMs: number;
  /** Latency, as in `latenciesMs`. */
  ms: number;
  /** HTTP status, 0 when no answer came. */
  status: number;
  /** The answer's body, when the job asks for them (`recordBodies`). */
  body?: string;
}

export type LoadJob = RequestTemplate & {
  baseUrl: string;
  /** Not recorded: lets the JIT, connection pools and caches settle. */
  warmupMs: number;
  /** The most it runs: the parent may end it sooner (STOP_JOB). */
  durationMs: number;
  /** Return each measured request's time and outcome (`samples`), to split a run by what happened meanwhile. */
  recordSamples?: boolean;
  /** With `recordSamples`: each sample also carries the answer's body (e.g. the ids a check reads back). */
  recordBodies?: boolean;
  /** Sends at most this many requests (warm-up included), then ends when they are answered. */
  maxRequests?: number;
} & ({ mode: 'closed'; concurrency: number } | { mode: 'open'; ratePerSecond: number });

export interface LoadResult {
  mode: LoadJob['mode'];
  /** Measured requests: closed loop, those completed inside the measured window; open loop, every scheduled one. */
  completed: number;
  /** Closed loop: the window's length; open loop: from the first scheduled request to the last answer. */
  elapsedSeconds: number;
  /** Latency of each measured request in ms: from its scheduled time (open loop) or its send (closed loop). */
  latenciesMs: number[];
  /** Open loop only: how late the generator itself sent (should stay near 0). */
  sendLagMs: number[];
  statuses: Record<string, number>;
  /** Requests that got no HTTP answer at all (connection errors). */
  networkErrors: number;
  /** Failures (no answer or not 2xx) of requests outside the measured window: warm-up and tail. */
  failuresOutsideWindow: number;
  /** A few non-2xx answers or errors, for the report. */
  errorSamples: string[];
  /** Every request the job sent and saw finish, warm-up and tail included: what the CPU over the job served. */
  issued: number;
  /** Next unused counter value. */
  nextN: number;
  /** Only when the job asked (`recordSamples`). */
  samples?: LoadSample[];
}

/** A result with nothing counted yet, for a run in the given mode. */
export const emptyLoadResult = (mode: LoadResult['mode']): LoadResult => ({
  mode,
  completed: 0,
  elapsedSeconds: 0,
  latenciesMs: [],
  sendLagMs: [],
  statuses: {},
  networkErrors: 0,
  failuresOutsideWindow: 0,
  errorSamples: [],
  issued: 0,
  nextN: 0,
});
