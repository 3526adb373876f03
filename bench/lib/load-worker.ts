/**
 * The load generator: a child process, like real shoppers outside the platform, so its HTTP client work does
 * not share the event loop of the gateway and handlers it measures. Receives LoadJobs over IPC, one at a time,
 * and answers each with a LoadResult.
 */
import http from 'node:http';
import {
  emptyLoadResult,
  STOP_JOB,
  type LoadJob,
  type LoadResult,
  type RequestTemplate,
} from './load-protocol';

const fill = (text: string, n: number, items: readonly string[] | undefined): string =>
  text.replace(/\{n\}/g, String(n)).replace(/\{item\}/g, items?.length ? items[n % items.length] : '');

interface Answer {
  status: number;
  body: string;
}

const requester = (job: LoadJob) => {
  const base = new URL(job.baseUrl);
  // Keep-alive within a job; a fresh pool per job, because sockets left idle between jobs outlive the
  // server's keep-alive timeout (5 s) and the first request on such a socket races its closing. Within a long
  // job the same can happen to a socket left idle after a burst of slow answers: idle sockets are closed by
  // this side after 2 s (`timeout` only closes free sockets; a request in flight is never cut short).
  const agent = new http.Agent({
    keepAlive: true,
    maxSockets: Infinity,
    maxFreeSockets: 1024,
    timeout: 2_000,
  });
  const send = (template: RequestTemplate, n: number): Promise<Answer> =>
    new Promise((resolve, reject) => {
      const body =
        template.body === undefined ? undefined : Buffer.from(fill(template.body, n, template.items));
      const request = http.request(
        {
          agent,
          host: base.hostname,
          port: base.port,
          method: template.method,
          path: fill(template.path, n, template.items),
          headers: {
            ...(body ? { 'content-type': 'application/json', 'content-length': body.length } : {}),
            ...template.headers,
          },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
          );
          response.on('error', reject);
        },
      );
      request.on('error', reject);
      request.end(body);
    });
  return { send, close: () => agent.destroy() };
};

/** Set by the parent's STOP_JOB: the running job starts no new request. */
let stopRequested = false;

const run = async (job: LoadJob): Promise<LoadResult> => {
  const { send, close } = requester(job);
  let n = job.firstN ?? 0;
  const result: LoadResult = emptyLoadResult(job.mode);
  if (job.recordSamples) result.samples = [];
  let lastAnswerAt = 0;
  stopRequested = false;

  const firstN = n;
  const more = () => job.maxRequests === undefined || n - firstN < job.maxRequests;
  const warmupEnd = performance.now() + job.warmupMs;
  const measureStart = warmupEnd;
  const measureEnd = measureStart + job.durationMs;

  /**
   * Sends one request. Closed loop: it counts when it completes inside the measured window (throughput is
   * completions in the window over its length, the latency is from its send). Open loop: every scheduled
   * request counts, its latency from its scheduled time.
   */
  const one = async (scheduled: boolean, startedAt: number): Promise<void> => {
    const sentAt = performance.now();
    const requestN = n++;
    let answer: Answer | undefined;
    let failure: unknown;
    try {
      answer = await send(job, requestN);
    } catch (error) {
      failure = error;
    }
    const doneAt = performance.now();
    const measured = job.mode === 'open' ? scheduled : doneAt >= measureStart && doneAt <= measureEnd;
    const ok = answer !== undefined && answer.status >= 200 && answer.status <= 299;
    if (!measured) {
      if (!ok) {
        result.failuresOutsideWindow++;
        if (result.errorSamples.length < 5) {
          result.errorSamples.push(
            answer ? `${answer.status} ${answer.body.slice(0, 300)}` : String(failure),
          );
        }
      }
      return;
    }
    result.completed++;
    result.latenciesMs.push(doneAt - startedAt);
    result.samples?.push({
      n: requestN,
      atMs: performance.timeOrigin + startedAt,
      ms: doneAt - startedAt,
      status: answer?.status ?? 0,
      ...(job.recordBodies ? { body: answer?.body ?? '' } : {}),
    });
    if (job.mode === 'open') {
      result.sendLagMs.push(sentAt - startedAt);
      lastAnswerAt = Math.max(lastAnswerAt, doneAt);
    }
    if (!answer) {
      result.networkErrors++;
      if (result.errorSamples.length < 5)
        result.errorSamples.push(String((failure as Error)?.message ?? failure));
      return;
    }
    result.statuses[answer.status] = (result.statuses[answer.status] ?? 0) + 1;
    if ((answer.status < 200 || answer.status > 299) && result.errorSamples.length < 5) {
      result.errorSamples.push(`${answer.status} ${answer.body.slice(0, 300)}`);
    }
  };

  if (job.mode === 'closed') {
    // Requests still in flight at the end are awaited, so the next job starts on a quiet platform, but not counted.
    await Promise.all(
      Array.from({ length: job.concurrency }, async () => {
        for (
          let now = performance.now();
          now < measureEnd && !stopRequested && more();
          now = performance.now()
        )
          await one(false, now);
      }),
    );
    result.elapsedSeconds = Math.max(0, Math.min(performance.now(), measureEnd) - measureStart) / 1000;
  } else {
    // Open loop: a fixed arrival schedule, whatever the answers take (no coordinated omission). Warm-up
    // requests go one at a time, then the schedule starts.
    while (performance.now() < warmupEnd && more()) await one(false, performance.now());
    const start = performance.now();
    const interval = 1000 / job.ratePerSecond;
    const total = Math.round((job.durationMs / 1000) * job.ratePerSecond);
    const inFlight: Promise<void>[] = [];
    for (let i = 0; i < total && !stopRequested && more(); i++) {
      const due = start + i * interval;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
      if (stopRequested) break;
      inFlight.push(one(true, due));
    }
    await Promise.all(inFlight);
    result.elapsedSeconds = (lastAnswerAt - start) / 1000;
  }
  result.nextN = n;
  result.issued = n - (job.firstN ?? 0);
  close();
  return result;
};

// One job at a time; the parent disconnecting (or exiting) ends the process.
process.on('message', (message: LoadJob | typeof STOP_JOB) => {
  if (message === STOP_JOB) {
    stopRequested = true;
    return;
  }
  run(message).then(
    (result) => process.send?.(result),
    (error) => {
      console.error('load generator failed:', error);
      process.exit(1);
    },
  );
});
process.on('disconnect', () => process.exit(0));
