/**
 * Shopper signups, POST /api/backorders, through the gateway and the real publicApi handler:
 *
 * 1. throughput: 32 clients in a closed loop; req/s, latency, non-2xx answers (there must be none);
 * 2. steady load: 100 signups/s on a fixed arrival schedule (open loop); latency p50/p99/max, measured from
 *    each request's scheduled time so a stalled platform cannot hide its queueing (no coordinated omission),
 *    then the floor's calls on the same schedule (what the machine allows at that rate at all);
 * 3. floor (signup-floor.ts): the DynamoDB and SQS calls one signup makes, issued straight with the AWS SDK
 *    by 32 loops for as long as phase 1; with the sender on, the floor's confirmations are delivered with
 *    the sender's calls meanwhile (signup-floor-sender.ts). The platform's throughput as a share of it, and
 *    its CPU per signup over all processes against the floor's, are what the gateway, middy, validation,
 *    handler and sender code cost on top of the calls themselves.
 *
 * Phases 1 and 3 run as alternating slices (platform then floor, floor then platform, …) after a warm-up of
 * both, so that on a shared, noisy machine both see the same conditions, and a machine still warming up
 * favours neither; their ratio compares like with like.
 * After each slice the email sender (the platform's, or the floor's) drains the confirmations it queued, so
 * the next slice starts quiet; its CPU during the slice is part of that side's cost, and is reported. The
 * platform slices and their drains are also what the cost on AWS per 1 000 signups is counted from (the
 * signup's own path and its confirmation email: lib/cost.ts).
 *
 * Signups go round-robin over 50 SKUs, as a shop's do; one hot SKU is the queue-depth scenario's. The floor
 * uses 50 SKUs of its own.
 */
import { CreateQueueCommand } from '@aws-sdk/client-sqs';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { CpuAccount, cpuPerRequest, formatCpu, type CpuReport } from '../lib/cpu';
import {
  combine,
  failuresOf,
  formatStatuses,
  startLoadGenerator,
  type LoadGenerator,
  type LoadResult,
} from '../lib/load';
import { meterAwsUsage } from '../lib/aws-usage';
import { costFigures, costLines, costOf } from '../lib/cost';
import { diffPerRequest, Profiler, type ProfileSummary } from '../lib/profile';
import { figuresOf } from '../lib/report';
import { say, type Scenario, type ScenarioContext } from '../lib/scenario';
import type { BenchStack } from '../lib/stack';
import { formatLatency, summarize, type LatencySummary } from '../lib/stats';
import { CONCURRENCY, floorCalls, runFloor, runFloorOpen } from './signup-floor';
import { floorSender } from './signup-floor-sender';
import { POSTAL_ADDRESS, SENDER } from './restock-setup';

const SCENARIO = 'signup';
const OPEN_LOOP_RATE = 100;
const SKU_COUNT = 50;
const DRAIN_TIMEOUT_MS = 120_000;

/**
 * The issue's: platform/floor ≥ 0.85 for the request path alone (`--queue-concurrency 0`), ≥ 0.75 with the
 * sender delivering the confirmations on the same cores; CPU per signup of all processes ≤ 1.3 × the floor's.
 */
const targets = { ratioRequestPath: 0.85, ratioWithSender: 0.75, cpuToFloor: 1.3, steadyP99Ms: 100 };
/** The signup's queues whose polling it causes: its confirmation, a sealed book now and then, the SES events. */
const SIGNUP_QUEUES = ['email', 'seal', 'feedback'] as const;

const plan = (quick: boolean) => ({
  // Each scenario starts its own DynamoDB Local: its JVM compiles its hot paths over the first ten seconds
  // or so, and slices measured before that climb (0.33 to 0.64 in one run after 3 s).
  warmupMs: quick ? 2_000 : 10_000,
  slices: quick ? 1 : 4,
  sliceMs: 5_000,
  steadyMs: quick ? 5_000 : 10_000,
  singleMs: quick ? 2_000 : 3_000,
});

const skus = (label: string) =>
  Array.from({ length: SKU_COUNT }, (_, i) => `BENCH-${label}-${String(i).padStart(2, '0')}`);

const seed = async (stack: BenchStack, all: string[]): Promise<void> => {
  await stack.admin('PUT', '/api/admin/settings', {
    backorders: { enabled: true, segments: ['b2c', 'b2b'] },
    doubleOptIn: false,
    sender: { from: SENDER, postalAddress: POSTAL_ADDRESS },
  });
  for (const sku of all) {
    await stack.admin('PUT', `/api/admin/products/${sku}`, {
      name: `Bench product ${sku}`,
      backorders: { enabled: true, maxPerCustomer: 10 },
    });
  }
};

/** The signup request: `{n}` makes each email unique within the run, `{item}` walks the SKUs round-robin. */
const signupRequest = (run: string, items: string[], firstN: number) => ({
  method: 'POST' as const,
  path: '/api/backorders',
  body: JSON.stringify({ sku: '{item}', email: `shopper-{n}.${run}@bench.example`, quantity: 1 }),
  items,
  firstN,
});

interface PhaseReport {
  throughput: number;
  latency: LatencySummary;
  failures: number;
  statuses: string;
  cpu: CpuReport;
  /** CPU ms per request of each process: a figure that depends less on the machine's other load than req/s. */
  cpuMsPerRequest: Record<string, number>;
  errorSamples: string[];
}

const report = (result: LoadResult, cpu: CpuReport): PhaseReport => ({
  throughput: result.elapsedSeconds > 0 ? result.completed / result.elapsedSeconds : 0,
  latency: summarize(result.latenciesMs),
  failures: failuresOf(result),
  statuses: formatStatuses(result),
  cpu,
  // Over every request the CPU served (warm-up-free jobs, tails included), not just those in the window.
  cpuMsPerRequest: cpuPerRequest(cpu, result.issued),
  errorSamples: result.errorSamples,
});

const sayPhase = (phase: PhaseReport) => {
  say(`    ${phase.throughput.toFixed(1)} req/s, ${formatLatency(phase.latency)}`);
  say(`    answers: ${phase.statuses}`);
  say(`    CPU: ${formatCpu(phase.cpu)}`);
  say(
    `    CPU ms per request: ${Object.entries(phase.cpuMsPerRequest)
      .filter(([, value]) => value >= 0.05)
      .map(([label, value]) => `${label} ${value.toFixed(1)}`)
      .join(', ')}`,
  );
  for (const sample of phase.errorSamples) say(`    error sample: ${sample}`);
};

interface Drain {
  backlog: number;
  seconds: number;
  left: number;
}

/**
 * Lets the email sender catch up with the confirmations a phase queued, so the next phase starts quiet. The
 * CPU it takes goes to `cpu`, which gives the cost of one confirmation email on this stack.
 */
const drainEmails = async (stack: BenchStack, context: ScenarioContext, cpu?: CpuAccount): Promise<Drain> => {
  const url = stack.platform.queueUrls.email;
  const backlog = await stack.queueDepth(url);
  if (context.options.queueConcurrency === 0 || backlog === 0) return { backlog, seconds: 0, left: backlog };
  cpu?.start();
  const { seconds, left } = await stack.drain(url, DRAIN_TIMEOUT_MS);
  cpu?.stop();
  return { backlog, seconds, left };
};

/** Lets the feedback function read the SES events of the emails sent, so they count with their signups. */
const drainFeedback = async (stack: BenchStack, context: ScenarioContext) => {
  if (context.options.queueConcurrency !== 0) await stack.drain(stack.platform.queueUrls.feedback, 10_000);
};

const sayDrains = (drains: Drain[], context: ScenarioContext, cpu?: CpuReport) => {
  const backlog = drains.reduce((sum, d) => sum + d.backlog, 0);
  const seconds = drains.reduce((sum, d) => sum + d.seconds, 0);
  const left = drains[drains.length - 1]?.left ?? 0;
  if (context.options.queueConcurrency === 0) {
    say(`    email queue: ${left} confirmations waiting (sender off: --queue-concurrency 0)`);
    return;
  }
  say(
    `    email sender: ${backlog} confirmations were still queued when the load stopped; draining them took ` +
      `${seconds.toFixed(1)} s (not measured)${left ? `, ${left} left after the ${DRAIN_TIMEOUT_MS / 1000} s limit` : ''}`,
  );
  if (cpu && backlog > left) {
    const perEmail = cpuPerRequest(cpu, backlog - left);
    say(
      `    while draining, ${((backlog - left) / seconds).toFixed(1)} emails/s; CPU: ${formatCpu(cpu)}; CPU ms per email: ` +
        Object.entries(perEmail)
          .filter(([, value]) => value >= 0.05)
          .map(([label, value]) => `${label} ${value.toFixed(1)}`)
          .join(', '),
    );
  }
};

const sayProfile = (what: string, summary: ProfileSummary, requests: number) => {
  say(
    `  CPU profile of the bench process, ${what}: ${summary.totalMs} ms sampled (idle excluded), ` +
      `${(summary.totalMs / Math.max(1, requests)).toFixed(1)} ms per request`,
  );
  say(`    self time by origin: ${summary.byOrigin.map((o) => `${o.origin} ${o.percent}%`).join(', ')}`);
  say('    hottest functions (self time):');
  for (const f of summary.topFunctions.slice(0, 10))
    say(`      ${f.percent.toFixed(1).padStart(5)}%  ${f.fn}`);
  say(`    profiles: ${summary.files.join(', ')}`);
};

export const signupScenario: Scenario = {
  name: SCENARIO,
  description:
    'POST /api/backorders: closed-loop throughput vs the bare-SDK floor, and 100/s open-loop latency',
  run: async (context) => {
    const stack = await context.stack();
    const { warmupMs, slices, sliceMs, steadyMs, singleMs } = plan(context.options.quick);
    const run = randomBytes(4).toString('hex');
    const platformSkus = skus('SIGNUP');
    const floorSkus = skus('FLOOR');
    await seed(stack, [...platformSkus, ...floorSkus]);
    say(
      `seeded site settings and ${platformSkus.length + floorSkus.length} products (${SKU_COUNT} for the platform, ` +
        `${SKU_COUNT} for the floor); signups go round-robin over ${SKU_COUNT} SKUs`,
    );
    const { QueueUrl: floorQueueUrl } = await stack.clients.sqs.send(
      new CreateQueueCommand({ QueueName: `${stack.prefix}bench-floor` }),
    );
    const floor = floorCalls(stack, floorQueueUrl!, run);
    // With the sender on, the floor delivers its confirmations with the sender's calls (signup-floor-sender.ts)
    // while its signups run, as the platform's sender does while the platform's run; a phase's leftovers are
    // drained after it, on both sides, outside what is measured.
    const senderOn = context.options.queueConcurrency !== 0;
    const { sesConfigurationSet } = await import('../../lambdas/runtime/config');
    const confirmations = senderOn
      ? await floorSender(stack, floorQueueUrl!, {
          run,
          from: SENDER,
          postalAddress: POSTAL_ADDRESS,
          configurationSet: sesConfigurationSet(),
        })
      : undefined;
    const withFloorSender = async <T>(phase: () => Promise<T>): Promise<T> => {
      if (!confirmations) return phase();
      confirmations.start();
      try {
        return await phase();
      } finally {
        await confirmations.stop();
        await confirmations.drain();
      }
    };
    const generator: LoadGenerator = startLoadGenerator();
    // The platform slices and their drains (not the floor's): per function, with what AWS bills (lib/cost.ts).
    const usage = await meterAwsUsage(stack);
    const platformLabel = `bench process (gateway, handlers${context.options.queueConcurrency === 0 ? '' : ', sender'})`;
    const profiler = context.options.profile
      ? new Profiler(context.options.resultsDir, 'signup-platform')
      : undefined;
    const floorProfiler = context.options.profile
      ? new Profiler(context.options.resultsDir, 'signup-floor')
      : undefined;
    try {
      let n = 0;
      const floorCounter = { n: 0 };
      const platformJob = (durationMs: number, concurrency = CONCURRENCY) => ({
        baseUrl: stack.url,
        ...signupRequest(run, platformSkus, n),
        mode: 'closed' as const,
        concurrency,
        warmupMs: 0,
        durationMs,
      });

      // Phases 1 and 3, interleaved.
      say(
        `1 & 3. throughput: ${CONCURRENCY} clients through the platform, then ${CONCURRENCY} bare-SDK loops (the floor), ` +
          `closed loop, alternating ${slices} × ${sliceMs / 1000} s each after ${warmupMs / 1000} s warm-up of both`,
      );
      // One signup on every SKU first: a product's first place looks once for backorders from before
      // tickets (16 index queries, then never again), which a shop's products did long ago.
      for (const sku of platformSkus) {
        const answer = await fetch(`${stack.url}/api/backorders`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ sku, email: `first.${run}@bench.example`, quantity: 1 }),
        });
        if (answer.status !== 201) throw new Error(`first signup on ${sku}: ${answer.status}`);
      }
      const platformWarmup = await generator.run(platformJob(warmupMs));
      n = platformWarmup.nextN;
      const floorWarmup = await withFloorSender(() => runFloor(floor, floorSkus, floorCounter, warmupMs));
      for (const sample of [...platformWarmup.errorSamples, ...floorWarmup.errorSamples]) {
        say(`    warm-up error: ${sample}`);
      }
      await drainEmails(stack, context);
      await drainFeedback(stack, context);

      const platformCpu = new CpuAccount(platformLabel);
      const floorCpu = new CpuAccount('bench process (SDK loops)');
      const platformResults: LoadResult[] = [];
      const floorResults: LoadResult[] = [];
      const drains: Drain[] = [];
      const drainCpu = new CpuAccount('bench process (email sender)');
      const sliceRatios: number[] = [];
      const backlogAtSliceEnd: number[] = [];
      usage.start();
      const platformSlice = async (slice: number) => {
        if (slice > 0) usage.resume();
        await profiler?.start();
        platformCpu.start();
        const platform = await generator.run(platformJob(sliceMs));
        platformCpu.stop();
        await profiler?.stop();
        n = platform.nextN;
        platformResults.push(platform);
        backlogAtSliceEnd.push(await stack.queueDepth(stack.platform.queueUrls.email));
        drains.push(await drainEmails(stack, context, drainCpu));
        await drainFeedback(stack, context);
        usage.pause();
        return platform;
      };
      const floorSliceRun = async () => {
        const floorSlice = await withFloorSender(async () => {
          await floorProfiler?.start();
          floorCpu.start();
          const result = await runFloor(floor, floorSkus, floorCounter, sliceMs);
          floorCpu.stop();
          await floorProfiler?.stop();
          return result;
        });
        floorResults.push(floorSlice);
        return floorSlice;
      };
      for (let slice = 0; slice < slices; slice++) {
        // Platform first, then floor first, and so on: a machine still warming up (DynamoDB Local's JVM) or
        // cooling down favours neither side.
        let platform: LoadResult;
        let floorSlice: LoadResult;
        if (slice % 2 === 0) {
          platform = await platformSlice(slice);
          floorSlice = await floorSliceRun();
        } else {
          floorSlice = await floorSliceRun();
          platform = await platformSlice(slice);
        }
        const ratio =
          platform.completed / platform.elapsedSeconds / (floorSlice.completed / floorSlice.elapsedSeconds);
        sliceRatios.push(ratio);
        say(
          `    slice ${slice + 1}${slice % 2 === 0 ? '' : ' (floor first)'}: platform ` +
            `${(platform.completed / platform.elapsedSeconds).toFixed(1)} req/s, ` +
            `floor ${(floorSlice.completed / floorSlice.elapsedSeconds).toFixed(1)} req/s, ratio ${ratio.toFixed(2)}, ` +
            `load average ${os.loadavg()[0].toFixed(1)}`,
        );
      }
      const used = usage.stop();
      const throughput = report(combine(platformResults), platformCpu.report());
      const floorReport = report(combine(floorResults), floorCpu.report());
      const ratio = throughput.throughput / floorReport.throughput;
      const ratioTarget = senderOn ? targets.ratioWithSender : targets.ratioRequestPath;
      // Every process but the load generator, which plays the shoppers' browsers (the floor has none).
      const allCpu = (phase: PhaseReport) =>
        Object.entries(phase.cpuMsPerRequest)
          .filter(([label]) => label !== 'load generator')
          .reduce((sum, [, ms]) => sum + ms, 0);
      const cpuToFloor = allCpu(throughput) / allCpu(floorReport);
      const signups = platformResults.reduce((sum, r) => sum + r.issued, 0);
      const cost = costOf(used, signups, 'signups', SIGNUP_QUEUES);
      say('  platform:');
      sayPhase(throughput);
      // The floor makes the calls listed in signup-floor.ts; the platform's, as counted, should be the same.
      const apiCommands = used.requests.publicApi?.commands ?? {};
      say(
        '      AWS requests per signup: ' +
          Object.entries(apiCommands)
            .map(([command, n]) => `${command} ${(n / Math.max(1, signups)).toFixed(2)}`)
            .join(', '),
      );
      const drainReport = drainCpu.report();
      const emailsDrained = drains.reduce((sum, d) => sum + d.backlog - d.left, 0);
      const senderPerEmail = cpuPerRequest(drainReport, emailsDrained);
      sayDrains(drains, context, drainReport);
      say('  floor:');
      sayPhase(floorReport);
      say(
        `  platform / floor = ${throughput.throughput.toFixed(1)} / ${floorReport.throughput.toFixed(1)} = ${ratio.toFixed(2)}` +
          (slices > 1
            ? ` (slices ${Math.min(...sliceRatios).toFixed(2)}–${Math.max(...sliceRatios).toFixed(2)})`
            : ''),
      );
      say(
        `  CPU per signup, all processes but the load generator: platform ${allCpu(throughput).toFixed(1)} ms, ` +
          `floor ${allCpu(floorReport).toFixed(1)} ms: ${cpuToFloor.toFixed(2)} × the floor's`,
      );
      for (const line of costLines(cost)) say(`  ${line}`);
      if (!senderOn) say('    (sender off: the request path alone, no confirmation email)');
      if (context.options.queueConcurrency !== 0) {
        const ddb = (phase: PhaseReport) => phase.cpuMsPerRequest['DynamoDB Local'] ?? Number.NaN;
        say(
          `  note: the platform's figure includes its email sender, which delivers each confirmation in the same ` +
            `process and against the same DynamoDB Local (DynamoDB Local CPU per signup: platform ` +
            `${ddb(throughput).toFixed(1)} ms, floor ${ddb(floorReport).toFixed(1)} ms); ` +
            `--queue-concurrency 0 measures the request path alone`,
        );
      }
      const profile = profiler?.summary();
      const floorProfile = floorProfiler?.summary();
      let profileDiff: ReturnType<typeof diffPerRequest> | undefined;
      if (profile && floorProfile) {
        const platformRequests = platformResults.reduce((sum, r) => sum + r.issued, 0);
        const floorRequests = floorResults.reduce((sum, r) => sum + r.issued, 0);
        sayProfile('platform slices', profile, platformRequests);
        sayProfile('floor slices', floorProfile, floorRequests);
        profileDiff = diffPerRequest(profile, platformRequests, floorProfile, floorRequests);
        say(
          `  platform minus floor, self ms per request: ${profileDiff
            .slice(0, 12)
            .map((d) => `${d.origin} ${d.msPerRequest > 0 ? '+' : ''}${d.msPerRequest}`)
            .join(', ')}`,
        );
      }

      // Service time, one request at a time: the least latency the platform, and the calls alone, can have on
      // this machine right now. It tells whether a latency target is within reach at all.
      say(
        `service time: one request at a time for ${singleMs / 1000} s, through the platform and with the bare SDK`,
      );
      const singlePlatform = await generator.run(platformJob(singleMs, 1));
      n = singlePlatform.nextN;
      const singleFloor = await withFloorSender(() => runFloor(floor, floorSkus, floorCounter, singleMs, 1));
      // The cost of the HTTP hop alone (load generator → gateway → load generator, no handler, no AWS call):
      // on a machine with more runnable processes than cores, every process hop waits for a core.
      const hop = await generator.run({
        baseUrl: stack.url,
        method: 'HEAD',
        path: '/',
        mode: 'closed',
        concurrency: 1,
        warmupMs: 200,
        durationMs: singleMs / 2,
      });
      const single = {
        platform: summarize(singlePlatform.latenciesMs),
        floor: summarize(singleFloor.latenciesMs),
        gatewayHop: summarize(hop.latenciesMs),
      };
      say(`    platform: ${formatLatency(single.platform)}`);
      say(`    floor:    ${formatLatency(single.floor)}`);
      say(
        `    HTTP hop alone (HEAD / answered by the gateway, no handler): ${formatLatency(single.gatewayHop)}`,
      );
      if (failuresOf(singlePlatform) + failuresOf(singleFloor) > 0) {
        say(`    failures: platform ${formatStatuses(singlePlatform)}, floor ${formatStatuses(singleFloor)}`);
      }
      await drainEmails(stack, context);

      // Phase 2, open loop.
      const waitingPerSku = n / SKU_COUNT;
      say(
        `2. steady load: ${OPEN_LOOP_RATE} signups/s on a fixed schedule (open loop) for ${steadyMs / 1000} s; ` +
          `each SKU starts with ~${waitingPerSku.toFixed(0)} waiting backorders`,
      );
      const steadyCpu = new CpuAccount(platformLabel);
      steadyCpu.start();
      const open = await generator.run({
        baseUrl: stack.url,
        ...signupRequest(run, platformSkus, n),
        mode: 'open',
        ratePerSecond: OPEN_LOOP_RATE,
        warmupMs: 500,
        durationMs: steadyMs,
      });
      steadyCpu.stop();
      n = open.nextN;
      const steady = report(open, steadyCpu.report());
      const sendLag = summarize(open.sendLagMs);
      say(
        `    ${open.completed} arrivals scheduled at ${OPEN_LOOP_RATE}/s, all answered within ${open.elapsedSeconds.toFixed(1)} s; ` +
          `generator send lag p99 ${sendLag.p99.toFixed(1)} ms`,
      );
      sayPhase(steady);
      const steadyDrain = await drainEmails(stack, context);
      sayDrains([steadyDrain], context);
      // The same rate with the SDK alone: what this machine allows at all.
      const floorOpen = summarize(
        (await withFloorSender(() => runFloorOpen(floor, floorSkus, floorCounter, OPEN_LOOP_RATE, steadyMs)))
          .latenciesMs,
      );
      say(`    floor at ${OPEN_LOOP_RATE}/s (SDK alone, same schedule): ${formatLatency(floorOpen)}`);

      context.detail('plan', {
        concurrency: CONCURRENCY,
        warmupMs,
        slices,
        sliceMs,
        steadyMs,
        skus: SKU_COUNT,
      });
      context.detail('throughput', { ...throughput, sliceRatios, backlogAtSliceEnd, drains });
      context.detail('emailSender', {
        emails: emailsDrained,
        cpu: drainReport,
        cpuMsPerEmail: senderPerEmail,
      });
      context.detail('floor', floorReport);
      context.detail('ratio', ratio);
      context.detail('cpuToFloor', cpuToFloor);
      context.detail('cost', cost);
      context.detail('usage', used);
      context.detail('steady', {
        ...steady,
        ratePerSecond: OPEN_LOOP_RATE,
        generatorSendLag: sendLag,
        drain: steadyDrain,
        floor: floorOpen,
      });
      context.detail('waitingPerSkuBeforeSteady', waitingPerSku);
      context.detail('serviceTime', single);
      if (profile)
        context.detail('profile', {
          platform: profile,
          floor: floorProfile,
          platformMinusFloor: profileDiff,
        });

      const figure = figuresOf(SCENARIO);
      const ddbCpu = (perRequest: Record<string, number>) => perRequest['DynamoDB Local'] ?? Number.NaN;
      const benchCpu = (phase: Pick<PhaseReport, 'cpuMsPerRequest'>) =>
        Object.entries(phase.cpuMsPerRequest).find(([label]) => label.startsWith('bench process'))?.[1] ??
        Number.NaN;
      const zero = { target: { op: '<=' as const, value: 0 }, required: true };
      return [
        figure(`throughput, ${CONCURRENCY} clients`, throughput.throughput, 'req/s'),
        figure('throughput p50 latency', throughput.latency.p50, 'ms'),
        figure('throughput p99 latency', throughput.latency.p99, 'ms'),
        figure(
          'throughput non-2xx answers',
          throughput.failures + failuresOf(platformWarmup) + failuresOf(singlePlatform),
          '',
          zero,
        ),
        figure(`floor throughput, ${CONCURRENCY} loops`, floorReport.throughput, 'req/s'),
        figure(
          'floor failed iterations',
          floorReport.failures + failuresOf(floorWarmup) + failuresOf(singleFloor),
          '',
          zero,
        ),
        figure('platform / floor throughput', ratio, '', {
          target: { op: '>=', value: ratioTarget },
          note: senderOn ? 'sender running' : 'request path alone (--queue-concurrency 0)',
        }),
        figure('CPU per signup, all processes: platform / floor', cpuToFloor, '', {
          target: { op: '<=', value: targets.cpuToFloor },
          note:
            `${allCpu(throughput).toFixed(1)} ÷ ${allCpu(floorReport).toFixed(1)} ms, load generator excluded` +
            (senderOn ? '; the platform slices include confirmations sent meanwhile' : ''),
        }),
        figure('all-process CPU per signup, platform', allCpu(throughput), 'ms'),
        figure('all-process CPU per signup, floor', allCpu(floorReport), 'ms'),
        ...costFigures(figure, cost),
        figure('bench-process CPU per signup, platform', benchCpu(throughput), 'ms'),
        figure('bench-process CPU per signup, floor', benchCpu(floorReport), 'ms'),
        figure('DynamoDB Local CPU per signup, platform', ddbCpu(throughput.cpuMsPerRequest), 'ms'),
        figure('DynamoDB Local CPU per signup, floor', ddbCpu(floorReport.cpuMsPerRequest), 'ms'),
        ...(emailsDrained > 0
          ? [
              figure(
                'sender: bench-process CPU per email',
                benchCpu({ cpuMsPerRequest: senderPerEmail }),
                'ms',
              ),
              figure('sender: DynamoDB Local CPU per email', ddbCpu(senderPerEmail), 'ms'),
            ]
          : []),
        figure('other processes on the machine', throughput.cpu.othersPercent, '% of a core'),
        figure('service time p50, 1 client', single.platform.p50, 'ms'),
        figure('floor service time p50, 1 loop', single.floor.p50, 'ms'),
        figure('HTTP hop p50 (HEAD /, no handler)', single.gatewayHop.p50, 'ms'),
        figure(`steady ${OPEN_LOOP_RATE}/s p50 latency`, steady.latency.p50, 'ms'),
        figure(`steady ${OPEN_LOOP_RATE}/s p99 latency`, steady.latency.p99, 'ms', {
          target: { op: '<=', value: targets.steadyP99Ms },
        }),
        figure(`steady ${OPEN_LOOP_RATE}/s max latency`, steady.latency.max, 'ms'),
        figure(`floor at steady ${OPEN_LOOP_RATE}/s p99 latency`, floorOpen.p99, 'ms'),
        figure(`steady ${OPEN_LOOP_RATE}/s non-2xx answers`, steady.failures, '', zero),
      ];
    } finally {
      usage.remove();
      profiler?.close();
      floorProfiler?.close();
      floor.close();
      await confirmations?.close();
      await generator.stop();
    }
  },
};
