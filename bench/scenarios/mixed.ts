/**
 * Everything at once on the local stack: shoppers keep signing up at a steady rate while a 10 000-unit
 * restock and a 10 000-shopper nurture step go out (1 000 + 1 000 with `--quick`). It answers three
 * questions: does the signup path stay fast while the event sources work flat out (signup p99 during the
 * burst), how fast does the burst go out when restock alerts and nurture emails share the machine, and does
 * every email arrive exactly once, the steady signups' confirmations included. It also watches the peak
 * memory of the local runner (the platform runs in this process: its RSS) and of the emulators.
 *
 * Set-up (timed, not measured): one product with 10 000 waiting backorders of one unit written straight to
 * the table (as the restock scenario does), a campaign whose one step is due for 10 000 other waiting,
 * consenting shoppers of a second product (as the nurture scenario seeds them), a catalogue of 50 other
 * products the signups go to, a warm-up restock of another SKU through the platform, and a baseline of
 * signups alone at the same rate.
 *
 * The signups go round-robin over the catalogue, not to the restocked or the nurtured product: a shop's
 * signups come from its many out-of-stock products, the restocked one is in stock again (its page sells,
 * it no longer takes backorders).
 *
 * At t0, together: the load generator (a child process) starts an open-loop stream of signups at 20/s
 * through the gateway, the signed inventory webhook makes 10 000 units available, and the scheduler's own
 * sweep (`sweepDueSteps`, as the scheduler handler runs it) queues the due nurture step. The SES store is
 * polled every second until every restock alert and nurture email is in; then the stream stops, the queues
 * settle, and every email is counted: restock alerts, nurture emails and the stream's confirmations, each
 * expected exactly once.
 *
 * "During the burst" is from the first to the last restock or nurture email in the SES store (its clock has
 * whole seconds): a signup counts when it was scheduled inside that window. Latency is measured from each
 * signup's scheduled time, so a stalled platform cannot hide its queueing.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { randomBytes } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { queues, type QueueName } from '../../lib/platform';
import { asApiInvocation } from '../../local/api-priority';
import { batchWrite, waitingBackorders } from '../../test/support/backorder-rows';
import { CpuAccount, formatCpu } from '../lib/cpu';
import { failuresOf, formatStatuses, startLoadGenerator, type LoadResult } from '../lib/load';
import { startMemorySampler, type MemoryReport } from '../lib/memory';
import { Profiler, type ProfileSummary } from '../lib/profile';
import { figuresOf } from '../lib/report';
import { say, type Scenario } from '../lib/scenario';
import { drainLeftovers } from '../lib/settle';
import { sesWatcher, recipientsOf, type StoredEmail } from '../lib/ses-store';
import { benchDocumentClient, type BenchStack } from '../lib/stack';
import { percentile } from '../lib/stats';
import { seed as seedNurture, seedRows as nurtureRows } from './nurture-setup';
import { seedProduct, signedWebhook, warmUp } from './restock-setup';

const SCENARIO = 'mixed';
const RESTOCK_UNITS = 10_000;
const NURTURE_SHOPPERS = 10_000;
const QUICK_SIZE = 1_000;
const SIGNUPS_PER_SECOND = 20;
const CATALOGUE_SKUS = 50;
const targets = { signupP99Ms: 250, runnerRssMb: 500 };
const POLL_MS = 1_000;
/** The queues empty and no new email for this long: the wait ends early, the rest counts as missing. */
const STALL_SECONDS = 30;
/** After the burst: how long the confirmations still on their way (and any late duplicate) may take. */
const SETTLE_TIMEOUT_MS = 120_000;
const BATCH_WRITE_PARALLEL = 8;
const MEMORY_SAMPLE_MS = 250;
const PROBE_MS = 200;
/** What each kind of email's subject says (lambdas/emails/*.ts; the campaign's subject has its id). */
const RESTOCK_SUBJECT = 'is back';
const CONFIRMATION_SUBJECT = "You're on the list";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const spaced = (n: number) => n.toLocaleString('en').replace(/,/g, ' ');

const plan = (quick: boolean) => ({
  restockUnits: quick ? QUICK_SIZE : RESTOCK_UNITS,
  nurtureShoppers: quick ? QUICK_SIZE : NURTURE_SHOPPERS,
  warmUpRestock: quick ? 200 : 1_000,
  baselineMs: quick ? 5_000 : 10_000,
  // Long enough for every email of the burst to arrive on this 2-core machine (~50 emails/s with the signups).
  timeoutMs: quick ? 180_000 : 600_000,
});

type Kind = 'restock' | 'nurture' | 'confirmation';

interface LatencyFigures {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

const latencies = (values: readonly number[]): LatencyFigures => {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? Number.NaN,
  };
};

const formatLatencies = (l: LatencyFigures, unit = 'ms', digits = 0) =>
  `p50 ${l.p50.toFixed(digits)} ${unit}, p95 ${l.p95.toFixed(digits)} ${unit}, p99 ${l.p99.toFixed(digits)} ${unit}, ` +
  `max ${l.max.toFixed(digits)} ${unit} (${l.count})`;

const sayProfile = (summary: ProfileSummary) => {
  say(
    `CPU profile of the bench process (gateway, handlers, event sources, sweep), t0 to the burst's end: ` +
      `${summary.totalMs} ms sampled (idle excluded)`,
  );
  say(`  self time by origin: ${summary.byOrigin.map((o) => `${o.origin} ${o.percent}%`).join(', ')}`);
  say('  hottest functions (self time):');
  for (const f of summary.topFunctions.slice(0, 12)) say(`    ${f.percent.toFixed(1).padStart(5)}%  ${f.fn}`);
  say(`  profiles: ${summary.files.join(', ')}`);
};

const sayMemory = (memory: MemoryReport) => {
  const s = memory.self;
  say(
    `memory of the local runner (this process): peak RSS ${s.peakRssMb.toFixed(0)} MB (sampled every ` +
      `${memory.intervalMs} ms: ${s.sampledPeakRssMb.toFixed(0)} MB; kernel high-water mark since t0: ` +
      `${s.kernelPeakRssMb === undefined ? 'n/a' : `${s.kernelPeakRssMb.toFixed(0)} MB`}), ` +
      `${s.startRssMb.toFixed(0)} MB at t0, ${s.endRssMb.toFixed(0)} MB at the end; V8 heap used up to ` +
      `${s.peakHeapUsedMb.toFixed(0)} MB of ${s.peakHeapTotalMb.toFixed(0)} MB`,
  );
  say(
    `  other processes, peak RSS: ${memory.children
      .map((c) => `${c.label} ${c.peakRssMb.toFixed(0)} MB`)
      .join(', ')}`,
  );
};

interface TimedSample {
  atMs: number;
  ms: number;
}

/**
 * Where a signup's time goes, without touching the platform: a tiny GetItem every PROBE_MS on a client of
 * its own (DynamoDB Local's own queueing, plus this process's event loop), and the same through the
 * handlers' shared client as an API invocation makes it (also the runner's socket pool, shared by every
 * in-process function, and its background-request limit, which API requests skip).
 */
const startProbes = (send: Record<'own' | 'shared', () => Promise<unknown>>) => {
  let running = true;
  const samples: Record<'own' | 'shared', TimedSample[]> = { own: [], shared: [] };
  const loops = (Object.keys(send) as ('own' | 'shared')[]).map(async (name) => {
    while (running) {
      const atMs = Date.now();
      const started = performance.now();
      await send[name]();
      samples[name].push({ atMs, ms: performance.now() - started });
      await sleep(PROBE_MS);
    }
  });
  return {
    stop: async () => {
      running = false;
      await Promise.all(loops);
      return samples;
    },
  };
};

/** The signups' landing pages: products with backorders open, each with a short queue of its own. */
const seedCatalogue = async (stack: BenchStack, run: string): Promise<string[]> => {
  const skus = Array.from({ length: CATALOGUE_SKUS }, (_, i) =>
    `BENCH-MIXED-${run}-${String(i).padStart(2, '0')}`.toUpperCase(),
  );
  for (const sku of skus) {
    await stack.admin('PUT', `/api/admin/products/${sku}`, {
      name: `Bench catalogue product ${sku}`,
      backorders: { enabled: true, maxPerCustomer: 10 },
    });
  }
  return skus;
};

export const mixedScenario: Scenario = {
  name: SCENARIO,
  description:
    `signups at ${SIGNUPS_PER_SECOND}/s while a ${spaced(RESTOCK_UNITS)}-unit restock and a ` +
    `${spaced(NURTURE_SHOPPERS)}-shopper nurture step go out: signup p99 ≤ ${targets.signupP99Ms} ms, ` +
    `every email once, runner ≤ ${targets.runnerRssMb} MB`,
  run: async (context) => {
    const stack = await context.stack();
    if (context.options.queueConcurrency === 0) {
      say('skipped: --queue-concurrency 0 runs no allocator, alerter, nurturer or sender');
      return [];
    }
    const { restockUnits, nurtureShoppers, warmUpRestock, baselineMs, timeoutMs } = plan(
      context.options.quick,
    );
    const run = randomBytes(4).toString('hex');
    const restockSku = `BENCH-MIXED-RESTOCK-${run}`.toUpperCase();
    const nurtureSku = `BENCH-MIXED-NURTURE-${run}`.toUpperCase();
    const campaignId = `bench-mixed-${run}`;
    const eventId = `bench-mixed-${run}`;
    const { tableNames, queueUrls, deadLetterQueueUrls } = stack.platform;
    const dynamo = benchDocumentClient(stack);
    const generator = startLoadGenerator();
    const profiler = context.options.profile ? new Profiler(context.options.resultsDir, 'mixed') : undefined;
    try {
      // 1. Set-up (timed, not measured).
      const seedStarted = performance.now();
      await seedNurture(stack, nurtureShoppers, run, nurtureSku, campaignId);
      // Activating the campaign queued an enrolment job; let it finish (it finds nobody yet) before the rows land.
      await stack.drain(queueUrls.enrolment, 30_000);
      await seedProduct(stack, restockSku, run);
      const catalogue = await seedCatalogue(stack, run);
      const restockRows = waitingBackorders(restockSku, new Array<number>(restockUnits).fill(1), {
        label: `mixed-restock-${run}`,
      });
      const dueMinuteMs = Math.floor(Date.now() / 60_000) * 60_000 - 60_000;
      const nurture = nurtureRows(nurtureShoppers, run, nurtureSku, campaignId, dueMinuteMs);
      await batchWrite(
        dynamo,
        tableNames.backorders,
        restockRows.map((b) => b.row),
        BATCH_WRITE_PARALLEL,
      );
      await batchWrite(dynamo, tableNames.backorders, nurture.backorders, BATCH_WRITE_PARALLEL);
      await batchWrite(dynamo, tableNames.enrolments, nurture.enrolments, BATCH_WRITE_PARALLEL);
      const seedSeconds = (performance.now() - seedStarted) / 1000;
      say(
        `seeded ${restockUnits} waiting backorders of 1 unit on ${restockSku} (stock 0); ${nurtureShoppers} ` +
          `waiting, consenting shoppers of ${nurtureSku} enrolled in ${campaignId}, one step due now; ` +
          `${catalogue.length} catalogue products for the signups; in ${seedSeconds.toFixed(1)} s (not measured)`,
      );
      const allQueues = Object.keys(queues) as QueueName[];
      await drainLeftovers(stack, queueUrls, allQueues, say);
      const warmUpSeconds = await warmUp(stack, dynamo, `${run}-mixed`, warmUpRestock);

      // The baseline: signups alone, at the same rate, on a warm stack.
      let n = 0;
      const stream = (durationMs: number, warmupMs: number) => ({
        baseUrl: stack.url,
        method: 'POST' as const,
        path: '/api/backorders',
        body: JSON.stringify({ sku: '{item}', email: `mixed-{n}.${run}@bench.example`, quantity: 1 }),
        items: catalogue,
        firstN: n,
        mode: 'open' as const,
        ratePerSecond: SIGNUPS_PER_SECOND,
        warmupMs,
        durationMs,
        recordSamples: true,
      });
      // The handlers' own client (the module instance the in-process platform uses), for the probes.
      const { dynamo: handlerDynamo } = await import('../../lambdas/runtime/dynamo');
      const probeGet = { TableName: tableNames.products, Key: { sku: restockSku } };
      const probes = () =>
        startProbes({
          own: () => dynamo.send(new GetCommand(probeGet)),
          // As the gateway runs a handler: an API request's place in the runner (local/api-priority.ts).
          shared: () => asApiInvocation(() => handlerDynamo.send(new GetCommand(probeGet))),
        });
      const baselineProbes = probes();
      const baseline = await generator.run(stream(baselineMs, 1_000));
      const baselineProbe = await baselineProbes.stop();
      n = baseline.nextN;
      const baselineLatency = latencies((baseline.samples ?? []).map((s) => s.ms));
      say(
        `warm-up: a restock of ${warmUpRestock} backorders of another SKU through the platform ` +
          `(${warmUpSeconds.toFixed(1)} s); baseline: signups alone at ${SIGNUPS_PER_SECOND}/s for ` +
          `${baselineMs / 1000} s: ${formatLatencies(baselineLatency)}`,
      );
      const baselineDrain = await stack.drain(queueUrls.email, 60_000);
      // The baseline's confirmations are all stored: the watched window starts after them.
      await sleep(1_100);
      // Every queue's dead letters: the burst's (restock, alert, nurture), the confirmations' (email), and
      // any other queue's.
      const deadLetters = async () => {
        let total = 0;
        for (const queue of allQueues) total += await stack.queueDepth(deadLetterQueueUrls[queue]);
        return total;
      };
      const deadBefore = await deadLetters();

      // 2. Measure: at t0 the signup stream, the webhook and the sweep, together.
      const expected: Record<Kind, Set<string>> = {
        restock: new Set(restockRows.map((b) => b.email.toLowerCase())),
        nurture: new Set(nurture.emails.map((e) => e.toLowerCase())),
        // Filled once the stream's answers are back; the counting below keeps every recipient until then.
        confirmation: new Set<string>(),
      };
      const received: Record<Kind, Map<string, number>> = {
        restock: new Map(),
        nurture: new Map(),
        confirmation: new Map(),
      };
      /** Epoch seconds each confirmation was stored, per recipient (first copy). */
      const confirmationAt = new Map<string, number>();
      const unexpected: string[] = [];
      const burstAt = { first: Number.POSITIVE_INFINITY, last: 0 };
      const confirmationAddress = new RegExp(`^mixed-\\d+\\.${run}@bench\\.example$`);
      const kindOf = (email: StoredEmail, to: string): Kind | undefined => {
        if (email.subject.includes(RESTOCK_SUBJECT) && expected.restock.has(to)) return 'restock';
        if (email.subject.includes(campaignId) && expected.nurture.has(to)) return 'nurture';
        if (email.subject.startsWith(CONFIRMATION_SUBJECT) && confirmationAddress.test(to))
          return 'confirmation';
        return undefined;
      };
      const onEmail = (email: StoredEmail) => {
        for (const to of recipientsOf(email)) {
          const kind = kindOf(email, to);
          if (!kind) {
            unexpected.push(`${to}: ${email.subject}`);
            continue;
          }
          received[kind].set(to, (received[kind].get(to) ?? 0) + 1);
          if (kind === 'confirmation') {
            if (!confirmationAt.has(to)) confirmationAt.set(to, email.at);
          } else {
            burstAt.first = Math.min(burstAt.first, email.at);
            burstAt.last = Math.max(burstAt.last, email.at);
          }
        }
      };
      const t0Seconds = Math.floor(Date.now() / 1000);
      const watcher = sesWatcher(stack.endpoints.ses, () => true, t0Seconds, onEmail);
      const pollersOf = (queue: QueueName) =>
        context.options.queueConcurrency ?? queues[queue].maxConcurrency;
      const alertPollers = pollersOf('alert');
      const emailPollers = pollersOf('email');
      const nurturePollers = pollersOf('nurture');
      say(
        `t0: signups at ${SIGNUPS_PER_SECOND}/s (open loop, round-robin over ${catalogue.length} products), one ` +
          `signed webhook (${restockUnits} units on ${restockSku}) and the scheduler's sweep ` +
          `(${nurtureShoppers} due), then the SES store every ${POLL_MS / 1000} s until the burst is out ` +
          `(limit ${timeoutMs / 1000} s); pollers × batch size: alert queue ${alertPollers} × ` +
          `${queues.alert.batchSize}, nurture queue ${nurturePollers} × ${queues.nurture.batchSize}, email ` +
          `queue ${emailPollers} × ${queues.email.batchSize}`,
      );
      const { sweepDueSteps } = await import('../../lambdas/use-cases/sweep-nurture');
      const label = 'bench process (platform)';
      const cpu = new CpuAccount(label);
      const loopDelay = monitorEventLoopDelay({ resolution: 10 });
      const timeline: {
        seconds: number;
        restock: number;
        nurture: number;
        confirmations: number;
        emailQueue: number;
        nurtureQueue: number;
        alertQueue: number;
        rssMb: number;
      }[] = [];

      await profiler?.start();
      const memory = startMemorySampler(MEMORY_SAMPLE_MS);
      loopDelay.enable();
      cpu.start();
      const burstProbes = probes();
      const t0 = performance.now();
      const t0Ms = Date.now();
      const elapsed = () => (performance.now() - t0) / 1000;
      const streaming = generator.run(stream(timeoutMs, 0));
      const sweep = (async () => {
        const report = await sweepDueSteps(Date.now());
        return { ...report, seconds: elapsed() };
      })();
      let sweepError: unknown;
      sweep.catch((error) => (sweepError = error));
      const webhookBody = JSON.stringify({ eventId, sku: restockSku, available: restockUnits });
      const response = await signedWebhook(stack, webhookBody);
      const webhookMs = elapsed() * 1000;
      const webhookAnswer = await response.text();
      if (response.status !== 202)
        throw new Error(`the inventory webhook answered ${response.status}: ${webhookAnswer.slice(0, 300)}`);

      const done = { restock: Number.NaN, nurture: Number.NaN, firstEmail: Number.NaN };
      let timedOut = false;
      let stalled = false;
      let lastProgress = { emails: 0, seconds: 0 };
      const burstReceived = () => received.restock.size + received.nurture.size;
      while (received.restock.size < restockUnits || received.nurture.size < nurtureShoppers) {
        if (sweepError) throw sweepError;
        if (elapsed() * 1000 > timeoutMs) {
          timedOut = true;
          break;
        }
        await sleep(POLL_MS);
        const [, emailQueue, nurtureQueue, alertQueue, restockQueue] = await Promise.all([
          watcher.poll(),
          stack.queueDepth(queueUrls.email),
          stack.queueDepth(queueUrls.nurture),
          stack.queueDepth(queueUrls.alert),
          stack.queueDepth(queueUrls.restock),
        ]);
        const seconds = elapsed();
        const emails = burstReceived();
        if (emails > lastProgress.emails || emailQueue + nurtureQueue + alertQueue + restockQueue > 0)
          lastProgress = { emails, seconds };
        else if (seconds - lastProgress.seconds > STALL_SECONDS) {
          stalled = true;
          break;
        }
        if (emails > 0 && Number.isNaN(done.firstEmail)) done.firstEmail = seconds;
        if (received.restock.size >= restockUnits && Number.isNaN(done.restock)) done.restock = seconds;
        if (received.nurture.size >= nurtureShoppers && Number.isNaN(done.nurture)) done.nurture = seconds;
        timeline.push({
          seconds: Math.round(seconds * 10) / 10,
          restock: received.restock.size,
          nurture: received.nurture.size,
          confirmations: received.confirmation.size,
          emailQueue,
          nurtureQueue,
          alertQueue,
          rssMb: Math.round(memory.rssMb()),
        });
        if (!context.options.quick && timeline.length % 30 === 0)
          say(
            `  ${seconds.toFixed(0)} s: ${received.restock.size} restock alerts, ${received.nurture.size} nurture ` +
              `emails, ${received.confirmation.size} confirmations; email queue ${emailQueue}, nurture queue ` +
              `${nurtureQueue}, alert queue ${alertQueue}`,
          );
      }
      if (stalled) timedOut = true;
      // The window the emails flowed in, as it stood at the burst's end (late emails still move burstAt).
      const flowed = { ...burstAt };
      const burstSeconds = elapsed();
      const burstEmailsInWindow = burstReceived();
      generator.endJob();
      const streamed: LoadResult = await streaming;
      const streamSeconds = elapsed();
      cpu.stop();
      loopDelay.disable();
      const memoryReport = memory.stop();
      await profiler?.stop();
      const swept = await sweep;
      const burstProbe = await burstProbes.stop();
      n = streamed.nextN;

      // 3. Settle: the stream's last confirmations (email queue) may still be on their way; then count once
      // more.
      const signupSamples = streamed.samples ?? [];
      const created = signupSamples.filter((s) => s.status === 201);
      for (const s of created) expected.confirmation.add(`mixed-${s.n}.${run}@bench.example`);
      // A signup answered with an error (or no answer) may still have been stored and confirmed: its email is
      // neither expected nor a stranger, but a second copy would still be a duplicate.
      const unanswered = new Set(
        signupSamples.filter((s) => s.status !== 201).map((s) => `mixed-${s.n}.${run}@bench.example`),
      );
      const confirmationsIn = () =>
        [...expected.confirmation].filter((to) => received.confirmation.has(to)).length;
      const settleStarted = performance.now();
      let settleStalled = false;
      while (confirmationsIn() < expected.confirmation.size) {
        if (performance.now() - settleStarted > SETTLE_TIMEOUT_MS) break;
        await sleep(POLL_MS);
        await watcher.poll();
        const queued = await stack.queueDepth(queueUrls.email);
        if (queued === 0 && confirmationsIn() < expected.confirmation.size) {
          // The email queue (confirmations) is empty: give the last batch a moment to be stored, then stop
          // waiting.
          await sleep(2 * POLL_MS);
          await watcher.poll();
          settleStalled = confirmationsIn() < expected.confirmation.size;
          break;
        }
      }
      const confirmationsSeconds = elapsed();
      const restockLeft = await stack.drain(queueUrls.restock, 30_000);
      const alertLeft = await stack.drain(queueUrls.alert, 30_000);
      const nurtureLeft = await stack.drain(queueUrls.nurture, 30_000);
      const emailLeft = await stack.drain(queueUrls.email, 30_000);
      await sleep(POLL_MS);
      await watcher.poll();
      const settleSeconds = (performance.now() - settleStarted) / 1000;
      const stillQueued = restockLeft.left + alertLeft.left + nurtureLeft.left + emailLeft.left;
      const deadLettered = (await deadLetters()) - deadBefore;

      // 4. Count: each expected email exactly once.
      const tally = (kind: Kind) => {
        let duplicates = 0;
        let strangers = 0;
        let arrived = 0;
        let ofFailedSignups = 0;
        for (const [to, count] of received[kind]) {
          if (expected[kind].has(to)) {
            arrived++;
            duplicates += count - 1;
          } else if (kind === 'confirmation' && unanswered.has(to)) {
            ofFailedSignups++;
            duplicates += count - 1;
          } else strangers += count;
        }
        return { expected: expected[kind].size, received: arrived, duplicates, strangers, ofFailedSignups };
      };
      const counts = {
        restock: tally('restock'),
        nurture: tally('nurture'),
        confirmation: tally('confirmation'),
      };
      const kinds = Object.values(counts);
      const duplicates = kinds.reduce((sum, c) => sum + c.duplicates + c.strangers, 0) + unexpected.length;
      const missing = kinds.reduce((sum, c) => sum + c.expected - c.received, 0);

      // 5. Signup latency, split by what happened while each was scheduled.
      const burstWindowMs = Number.isFinite(flowed.first)
        ? { from: flowed.first * 1000, to: (flowed.last + 1) * 1000 }
        : undefined;
      const during = burstWindowMs
        ? signupSamples.filter((s) => s.atMs >= burstWindowMs.from && s.atMs < burstWindowMs.to)
        : [];
      const beforeEmails = burstWindowMs ? signupSamples.filter((s) => s.atMs < burstWindowMs.from) : [];
      const duringLatency = latencies(during.map((s) => s.ms));
      const inWindow = (samples: TimedSample[]) =>
        burstWindowMs ? samples.filter((s) => s.atMs >= burstWindowMs.from && s.atMs < burstWindowMs.to) : [];
      const probe = {
        baseline: {
          own: latencies(baselineProbe.own.map((s) => s.ms)),
          shared: latencies(baselineProbe.shared.map((s) => s.ms)),
        },
        burst: {
          own: latencies(inWindow(burstProbe.own).map((s) => s.ms)),
          shared: latencies(inWindow(burstProbe.shared).map((s) => s.ms)),
        },
      };
      const beforeEmailsLatency = latencies(beforeEmails.map((s) => s.ms));
      const streamLatency = latencies(signupSamples.map((s) => s.ms));
      const signupFailures = failuresOf(streamed) + failuresOf(baseline);
      // Confirmation delay: scheduled signup to its confirmation in the SES store (whole seconds there).
      const scheduledAtOf = new Map(signupSamples.map((s) => [`mixed-${s.n}.${run}@bench.example`, s.atMs]));
      const confirmationDelays: number[] = [];
      for (const [to, at] of confirmationAt) {
        const atMs = scheduledAtOf.get(to);
        if (atMs !== undefined) confirmationDelays.push((at * 1000 - atMs) / 1000);
      }
      const confirmationDelay = latencies(confirmationDelays);

      const burstTotal = restockUnits + nurtureShoppers;
      const burstRate = timedOut ? burstEmailsInWindow / burstSeconds : burstTotal / burstSeconds;
      const flowingSeconds = Number.isFinite(flowed.first) ? flowed.last - flowed.first + 1 : Number.NaN;
      const flowingRate = burstEmailsInWindow / flowingSeconds;
      const cpuReport = cpu.report();
      const loop = {
        p50Ms: loopDelay.percentile(50) / 1e6,
        p99Ms: loopDelay.percentile(99) / 1e6,
        maxMs: loopDelay.max / 1e6,
        meanMs: loopDelay.mean / 1e6,
      };

      say(`webhook answered ${response.status} in ${webhookMs.toFixed(0)} ms: ${webhookAnswer}`);
      say(
        `sweep: ${swept.due} due, ${swept.queued} queued in ${swept.seconds.toFixed(1)} s (it ran during the burst)`,
      );
      say(
        timedOut
          ? `after ${burstSeconds.toFixed(0)} s${stalled ? ` (queues empty, nothing new for ${STALL_SECONDS} s)` : ''} ` +
              `only ${burstEmailsInWindow} of ${burstTotal} burst emails were in (${burstRate.toFixed(1)} emails/s)`
          : `burst: ${burstTotal} emails in ${burstSeconds.toFixed(1)} s from t0 = ${burstRate.toFixed(1)} emails/s ` +
              `(first after ${done.firstEmail.toFixed(1)} s; ${flowingRate.toFixed(1)} emails/s over the ` +
              `${flowingSeconds} s they were flowing); every restock alert after ${done.restock.toFixed(1)} s, ` +
              `every nurture email after ${done.nurture.toFixed(1)} s`,
      );
      say(
        `signups, ${created.length} created of ${signupSamples.length} scheduled over ${streamSeconds.toFixed(0)} s ` +
          `(${formatStatuses(streamed)}):`,
      );
      say(`  during the burst (emails flowing): ${formatLatencies(duringLatency)}`);
      say(`  t0 to the first burst email:       ${formatLatencies(beforeEmailsLatency)}`);
      say(`  alone, before t0 (baseline):       ${formatLatencies(baselineLatency)}`);
      for (const sample of [...baseline.errorSamples, ...streamed.errorSamples])
        say(`  error sample: ${sample}`);
      say(
        `  confirmation delay (signup to its email in the SES store, whole seconds): ` +
          formatLatencies(confirmationDelay, 's', 1),
      );
      say(
        `each once? restock ${counts.restock.received}/${counts.restock.expected}, nurture ` +
          `${counts.nurture.received}/${counts.nurture.expected}, confirmations ${counts.confirmation.received}/` +
          `${counts.confirmation.expected} (+${counts.confirmation.ofFailedSignups} for signups answered with an ` +
          `error); ${duplicates} duplicates or unexpected, ${missing} missing; queues ` +
          `${stillQueued} left after ${settleSeconds.toFixed(0)} s of settling, ${deadLettered} dead-lettered`,
      );
      for (const line of unexpected.slice(0, 5)) say(`  unexpected: ${line}`);
      say(
        `probe GetItem every ${PROBE_MS} ms, during the burst: own client ${formatLatencies(probe.burst.own)}; ` +
          `handlers' shared client, as an API request ${formatLatencies(probe.burst.shared)}`,
      );
      say(
        `  before t0 (baseline): own client ${formatLatencies(probe.baseline.own)}; shared client ` +
          formatLatencies(probe.baseline.shared),
      );
      say(`CPU, t0 to the burst's end: ${formatCpu(cpuReport)}`);
      say(
        `event-loop delay of the runner: p50 ${loop.p50Ms.toFixed(1)} ms, p99 ${loop.p99Ms.toFixed(1)} ms, ` +
          `max ${loop.maxMs.toFixed(0)} ms`,
      );
      sayMemory(memoryReport);
      const profile = profiler?.summary();
      if (profile) sayProfile(profile);

      context.detail('plan', {
        restockUnits,
        nurtureShoppers,
        signupsPerSecond: SIGNUPS_PER_SECOND,
        catalogueSkus: catalogue.length,
        restockSku,
        nurtureSku,
        campaignId,
        eventId,
        alertPollers,
        nurturePollers,
        emailPollers,
        pollMs: POLL_MS,
        timeoutMs,
        baselineMs,
      });
      context.detail('seedSeconds', seedSeconds);
      context.detail('warmUp', { backorders: warmUpRestock, seconds: warmUpSeconds, baselineDrain });
      context.detail('webhook', { status: response.status, ms: webhookMs, answer: webhookAnswer });
      context.detail('sweep', swept);
      context.detail('burst', {
        t0: new Date(t0Ms).toISOString(),
        seconds: burstSeconds,
        emails: burstEmailsInWindow,
        rate: burstRate,
        flowingSeconds,
        flowingRate,
        firstEmailSeconds: done.firstEmail,
        restockDoneSeconds: done.restock,
        nurtureDoneSeconds: done.nurture,
        storeWindow: burstWindowMs
          ? { from: new Date(burstWindowMs.from).toISOString(), to: new Date(burstWindowMs.to).toISOString() }
          : null,
        timedOut,
        stalled,
        timeline,
      });
      context.detail('signups', {
        statuses: streamed.statuses,
        networkErrors: streamed.networkErrors,
        scheduled: signupSamples.length,
        created: created.length,
        streamSeconds,
        duringBurst: duringLatency,
        beforeFirstEmail: beforeEmailsLatency,
        wholeStream: streamLatency,
        baseline: { ...baselineLatency, statuses: baseline.statuses },
        generatorSendLagP99Ms: percentile(
          [...streamed.sendLagMs].sort((a, b) => a - b),
          99,
        ),
        confirmationDelaySeconds: confirmationDelay,
        errorSamples: [...baseline.errorSamples, ...streamed.errorSamples],
      });
      context.detail('delivery', {
        counts,
        duplicates,
        missing,
        unexpected: unexpected.slice(0, 20),
        stillQueued,
        deadLettered,
        settleSeconds,
        confirmationsSeconds,
        settleStalled,
        storePolls: watcher.polls(),
      });
      context.detail('cpu', cpuReport);
      context.detail('eventLoopDelay', loop);
      context.detail('probeGetItem', probe);
      context.detail('memory', memoryReport);
      if (profile) context.detail('profile', profile);

      const figure = figuresOf(SCENARIO);
      const processMemory = (labelText: string) =>
        memoryReport.children.find((c) => c.label === labelText)?.peakRssMb ?? Number.NaN;
      const settledCleanly = stillQueued === 0;
      const round = (value: number) => Math.round(value * 10) / 10;
      return [
        figure('signup p99 during the burst', round(duringLatency.p99), 'ms', {
          target: { op: '<=', value: targets.signupP99Ms },
          note: `${duringLatency.count} signups at ${SIGNUPS_PER_SECOND}/s scheduled while emails were flowing, from their scheduled time`,
        }),
        figure('signup p50 during the burst', round(duringLatency.p50), 'ms'),
        figure('signup p95 during the burst', round(duringLatency.p95), 'ms'),
        figure('signup max during the burst', round(duringLatency.max), 'ms'),
        figure('signup p99 alone (baseline)', round(baselineLatency.p99), 'ms', {
          note: `${baselineLatency.count} signups at ${SIGNUPS_PER_SECOND}/s before t0`,
        }),
        figure('signup non-2xx answers', signupFailures, '', {
          target: { op: '<=', value: 0 },
          required: true,
        }),
        figure(`burst: ${spaced(burstTotal)} emails per second`, round(burstRate), 'emails/s', {
          note: timedOut
            ? `timed out after ${(timeoutMs / 1000).toFixed(0)} s`
            : 't0 to the last burst email',
        }),
        figure('burst: emails per second while flowing', round(flowingRate), 'emails/s', {
          note: 'first to last burst email, SES store seconds',
        }),
        figure(`t0 to the last of ${spaced(restockUnits)} restock alerts`, round(done.restock), 's'),
        figure(`t0 to the last of ${spaced(nurtureShoppers)} nurture emails`, round(done.nurture), 's'),
        figure('confirmation delay p99 (signup to its email)', round(confirmationDelay.p99), 's', {
          note: 'confirmations have the email queue to themselves (nurture steps: nurture queue)',
        }),
        figure('duplicate or unexpected emails', duplicates, '', {
          target: { op: '<=', value: 0 },
          required: true,
          note: 'restock alerts, nurture emails and the stream’s confirmations',
        }),
        figure('missing emails', missing, '', {
          target: { op: '<=', value: 0 },
          required: settledCleanly || deadLettered > 0,
          note:
            `restock ${counts.restock.expected - counts.restock.received}, nurture ${counts.nurture.expected - counts.nurture.received}, ` +
            `confirmations ${counts.confirmation.expected - counts.confirmation.received}` +
            (settledCleanly ? '' : `; ${stillQueued} still queued: late, not lost`),
        }),
        figure('local runner peak RSS', round(memoryReport.self.peakRssMb), 'MB', {
          target: { op: '<=', value: targets.runnerRssMb },
          note: 'the bench process, which runs startPlatform in-process (and the bench’s own bookkeeping)',
        }),
        figure('local runner peak V8 heap used', round(memoryReport.self.peakHeapUsedMb), 'MB'),
        figure('DynamoDB Local peak RSS', round(processMemory('DynamoDB Local')), 'MB'),
        figure('SQS emulator peak RSS', round(processMemory('SQS emulator')), 'MB'),
        figure('SES emulator peak RSS', round(processMemory('SES emulator')), 'MB'),
        figure('runner event-loop delay p99', round(loop.p99Ms), 'ms'),
        figure(
          'bench-process CPU during the burst',
          cpuReport.processes.find((p) => p.label === label)?.percentOfCore ?? Number.NaN,
          '% of a core',
        ),
        figure(
          'DynamoDB Local CPU during the burst',
          cpuReport.processes.find((p) => p.label === 'DynamoDB Local')?.percentOfCore ?? Number.NaN,
          '% of a core',
        ),
        figure('other processes on the machine', cpuReport.othersPercent, '% of a core'),
      ];
    } finally {
      profiler?.close();
      await generator.stop();
      dynamo.destroy();
    }
  },
};
