/**
 * A restock of a product many shoppers wait for: 10 000 waiting backorders of one unit each on one SKU
 * (1 000 with `--quick`, 100 000 with `--large`), then ONE signed inventory webhook with as many units. The
 * platform allocates the queue page by page (restock queue) and sends one restock alert per backorder (alert
 * queue, `maxConcurrency` batches of 10); the bench watches the local SES store until every shopper has it.
 *
 * Seeding writes the waiting backorders straight to the backorders table (test/support/backorder-rows.ts,
 * shaped as `insertBackorder` writes them), after creating the product through the admin API (backorders
 * enabled, stock 0). It is timed and printed, not measured. So is a warm-up restock of 1 000 backorders of
 * another SKU through the platform (200 with `--quick`): a cold DynamoDB Local spends two to three times the
 * CPU per write, and the floor, which runs after the platform, would otherwise find it warm.
 *
 * Measured, from the moment the webhook is sent: the time until the last restock email is in the SES store
 * (polled every second, so up to ~1 s late), the send rate, whether each shopper got it exactly once, and
 * the AWS requests the platform made per alert, counted by an SDK middleware on the handlers' own clients
 * (`lambdas/runtime/{dynamo,sqs,ses}.ts`; the platform runs in this process). The local runner's event-source
 * polling (ReceiveMessage / DeleteMessageBatch on its own SQS client) is counted apart: on AWS Lambda's event
 * source mapping makes it, not the function, but it is billed to the account, so the cost on AWS per 1 000
 * alerts (lib/cost.ts, from the same counts per function) includes it. The run is split where the allocation ends (no free stock left,
 * no run holding the SKU): after it only the alerter works, which gives its cost per email; the allocation's
 * cost per backorder is what the first part spent less the emails it also sent, at that cost.
 *
 * Then the floors (restock-floors.ts), once the platform is done: the platform's own calls issued directly
 * with the SDK on a queue of the floor's own, seeded with the platform's (restock-floor-calls.ts; the target's
 * floor), and the send path's minimum, one claim and one send per alert (restock-floor.ts). platform/floor
 * compares the send rates.
 */
import { benchDocumentClient } from '../lib/stack';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { randomBytes } from 'node:crypto';
import { queues, type QueueName } from '../../lib/platform';
import { batchWrite, waitingBackorders } from '../../test/support/backorder-rows';
import { CpuAccount, cpuPerRequest, formatCpu, perLabel } from '../lib/cpu';
import { Profiler, type ProfileSummary } from '../lib/profile';
import { figuresOf } from '../lib/report';
import { meterAwsUsage } from '../lib/aws-usage';
import { costFigures, costLines, costOf } from '../lib/cost';
import { countClientRequests, countsBetween, type RequestCounts } from '../lib/requests';
import { say, type Scenario } from '../lib/scenario';
import { drainLeftovers } from '../lib/settle';
import { sesWatcher } from '../lib/ses-store';
import { compareWithFloors, floorFigures } from './restock-floors';
import { seedProduct, signedWebhook, statusesOf, warmUp } from './restock-setup';

const SCENARIO = 'restock';
const BACKORDERS = 10_000;
const QUICK_BACKORDERS = 1_000;
const LARGE_BACKORDERS = 100_000;
/** The issue's target: 10 000 restock emails within 60 s; a larger run is held to the same rate. */
const TARGET_SECONDS_PER_10K = 60;
/** One SES call plus one conditional write, plus a tenth of an SQS batch (2.1), with a little room. */
const TARGET_REQUESTS_PER_ALERT = 2.2;
/** Dollars per 1 000 alerts on AWS, SES's own $0.10 excluded (lib/cost.ts). */
const TARGET_DOLLARS_PER_1000 = 0.2;
/** A nurture email's CPU (all processes) against a restock alert's, when both ran in this run. */
const TARGET_NURTURE_CPU_RATIO = 1.5;
const TIMEOUT_MS = 180_000;
const LARGE_TIMEOUT_MS = 30 * 60_000;
const POLL_MS = 1_000;
/** Both queues empty and no new email for this long: the wait ends early, the rest counts as missing. */
const STALL_SECONDS = 30;
/** After the last email: how long to wait for the restock and alert queues to empty before the final count. */
const SETTLE_TIMEOUT_MS = 60_000;
const BATCH_WRITE_PARALLEL = 8;
/** Backorders restocked through the platform before the measured run, to warm it and DynamoDB Local up. */
const WARM_UP = 1_000;
const QUICK_WARM_UP = 200;
/** What every restock alert's subject says (lambdas/emails/restock.ts). */
const RESTOCK_SUBJECT = 'is back';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const spaced = (n: number) => n.toLocaleString('en').replace(/,/g, ' ');

const sizeOf = (options: { quick: boolean; large: boolean }) =>
  options.quick ? QUICK_BACKORDERS : options.large ? LARGE_BACKORDERS : BACKORDERS;

/** Requests per alert, per command, biggest first, as `UpdateItem 1.00, SendRawEmail 1.00, …`. */
const perAlert = (counts: Record<string, number>, alerts: number) =>
  Object.entries(counts)
    .sort((a, b) => b[1] - a[1])
    .map(([name, n]) => ({ name, count: n, perAlert: n / Math.max(1, alerts) }));

const formatPerAlert = (rows: ReturnType<typeof perAlert>) =>
  rows
    .map((r) => `${r.name} ${r.perAlert < 0.01 ? r.perAlert.toFixed(4) : r.perAlert.toFixed(2)}`)
    .join(', ');

const sayProfile = (summary: ProfileSummary, alerts: number) => {
  say(
    `CPU profile of the bench process (gateway, allocator, alerter, event sources), webhook to last email: ` +
      `${summary.totalMs} ms sampled (idle excluded), ${(summary.totalMs / Math.max(1, alerts)).toFixed(2)} ms per alert`,
  );
  say(`  self time by origin: ${summary.byOrigin.map((o) => `${o.origin} ${o.percent}%`).join(', ')}`);
  say('  hottest functions (self time):');
  for (const f of summary.topFunctions.slice(0, 12)) say(`    ${f.percent.toFixed(1).padStart(5)}%  ${f.fn}`);
  say(`  profiles: ${summary.files.join(', ')}`);
};

export const restockScenario: Scenario = {
  name: SCENARIO,
  description:
    `${spaced(BACKORDERS)} waiting backorders on one SKU (${spaced(LARGE_BACKORDERS)} with --large), one ` +
    `webhook with as many units: every restock email within ${TARGET_SECONDS_PER_10K} s, each once, ` +
    `≤ ${TARGET_REQUESTS_PER_ALERT} AWS requests per alert`,
  run: async (context) => {
    const stack = await context.stack();
    if (context.options.queueConcurrency === 0) {
      say('skipped: --queue-concurrency 0 runs no allocator and no alerter');
      return [];
    }
    const count = sizeOf(context.options);
    const targetSeconds = (TARGET_SECONDS_PER_10K * Math.max(count, BACKORDERS)) / BACKORDERS;
    const timeoutMs = count > BACKORDERS ? LARGE_TIMEOUT_MS : TIMEOUT_MS;
    const run = randomBytes(4).toString('hex');
    const sku = `BENCH-RESTOCK-${run}`.toUpperCase();
    const eventId = `bench-restock-${run}`;
    const { tableNames, queueUrls, deadLetterQueueUrls } = stack.platform;
    const alertBatches = context.options.queueConcurrency ?? queues.alert.maxConcurrency;

    const dynamo = benchDocumentClient(stack);
    // The handlers' own clients: loaded now, after startPlatform set the environment, so these are the very
    // module instances the in-process handlers use.
    const [{ dynamo: handlerDynamo }, { sqs: handlerSqs }, { ses: handlerSes }] = await Promise.all([
      import('../../lambdas/runtime/dynamo'),
      import('../../lambdas/runtime/sqs'),
      import('../../lambdas/runtime/ses'),
    ]);
    const handlerRequests = countClientRequests([handlerDynamo, handlerSqs, handlerSes]);
    // Per function, with what AWS bills; its SQS wrapper counts the runner's event-source polling too.
    const usage = await meterAwsUsage(stack);
    const profiler = context.options.profile
      ? new Profiler(context.options.resultsDir, 'restock')
      : undefined;
    try {
      // 1. Seed (timed, not measured).
      const seedStarted = performance.now();
      await seedProduct(stack, sku, run);
      const seeded = waitingBackorders(sku, new Array<number>(count).fill(1), { label: `restock-${run}` });
      await batchWrite(
        dynamo,
        tableNames.backorders,
        seeded.map((b) => b.row),
        BATCH_WRITE_PARALLEL,
      );
      // The floor's own product and queue, as many and shaped the same (restock-floor-calls.ts).
      const floorSku = `BENCH-FLOOR-${run}`.toUpperCase();
      await seedProduct(stack, floorSku, `${run} (floor)`);
      const floorSeeded = waitingBackorders(floorSku, new Array<number>(count).fill(1), {
        label: `restock-floor-${run}`,
      });
      await batchWrite(
        dynamo,
        tableNames.backorders,
        floorSeeded.map((b) => b.row),
        BATCH_WRITE_PARALLEL,
      );
      const seedSeconds = (performance.now() - seedStarted) / 1000;
      say(
        `seeded ${count} waiting backorders of 1 unit on ${sku} (stock 0), and as many on the floor's ` +
          `${floorSku}, in ${seedSeconds.toFixed(1)} s (not measured)`,
      );
      await drainLeftovers(stack, queueUrls, Object.keys(queues) as QueueName[], say);
      const warmUpCount = context.options.quick ? QUICK_WARM_UP : WARM_UP;
      const warmUpSeconds = await warmUp(stack, dynamo, run, warmUpCount);
      say(
        `warm-up: ${warmUpCount} backorders of another SKU restocked through the platform in ` +
          `${warmUpSeconds.toFixed(1)} s (not measured)`,
      );
      // The warm-up's emails are all stored (its alert queue is empty): the watched window starts after them.
      await sleep(1_100);
      const deadBefore = {
        restock: await stack.queueDepth(deadLetterQueueUrls.restock),
        alert: await stack.queueDepth(deadLetterQueueUrls.alert),
      };

      // 2. Measure: one webhook, then every restock email.
      const expected = new Set(seeded.map((b) => b.email.toLowerCase()));
      const sinceSeconds = Math.floor(Date.now() / 1000);
      const watcher = sesWatcher(
        stack.endpoints.ses,
        (email) => email.subject.includes(RESTOCK_SUBJECT) && !email.subject.startsWith('[floor]'),
        sinceSeconds,
      );
      const receivedOfOurs = () => {
        let n = 0;
        for (const to of watcher.perRecipient.keys()) if (expected.has(to)) n++;
        return n;
      };
      say(
        `one signed inventory webhook (${count} units), then watching the SES store every ${POLL_MS / 1000} s ` +
          `until ${count} restock emails are in (limit ${timeoutMs / 1000} s); alert queue: ${alertBatches} ` +
          `pollers, batches of ${queues.alert.batchSize}; restock queue: pages of 250`,
      );
      const body = JSON.stringify({ eventId, sku, available: count });
      const label = 'bench process (platform)';
      // Three CPU windows: the whole run, the allocation (the alerter already sends meanwhile), and after it,
      // when only the alerter works, which gives a clean cost per email and, by difference, per allocation.
      const cpu = new CpuAccount(label);
      const allocationCpu = new CpuAccount(label);
      const alertOnlyCpu = new CpuAccount(label);
      const timeline: {
        seconds: number;
        emails: number;
        alertQueue: number;
        pagesDone: number;
        stock: number;
      }[] = [];
      let allocationEnd: { seconds: number; emails: number; requests: RequestCounts } | undefined;
      await profiler?.start();
      handlerRequests.start();
      usage.start();
      cpu.start();
      allocationCpu.start();
      const started = performance.now();
      const elapsed = () => (performance.now() - started) / 1000;
      const response = await signedWebhook(stack, body);
      const webhookMs = elapsed() * 1000;
      const webhookAnswer = await response.text();
      if (response.status !== 202)
        throw new Error(`the inventory webhook answered ${response.status}: ${webhookAnswer.slice(0, 300)}`);
      let firstEmailSeconds = Number.NaN;
      let lastEmailSeconds = Number.NaN;
      let timedOut = false;
      let stalled = false;
      let lastProgress = { emails: 0, seconds: 0 };
      while (receivedOfOurs() < count) {
        if (elapsed() * 1000 > timeoutMs) {
          timedOut = true;
          break;
        }
        await sleep(POLL_MS);
        const [, alertQueue, restockQueue, product] = await Promise.all([
          watcher.poll(),
          stack.queueDepth(queueUrls.alert),
          stack.queueDepth(queueUrls.restock),
          dynamo.send(new GetCommand({ TableName: tableNames.products, Key: { sku } })),
        ]);
        const received = receivedOfOurs();
        if (received > lastProgress.emails || alertQueue + restockQueue > 0)
          lastProgress = { emails: received, seconds: elapsed() };
        else if (elapsed() - lastProgress.seconds > STALL_SECONDS) {
          // Nothing queued and nothing new for a while: whatever is missing will not come.
          stalled = true;
          break;
        }
        const stock = Number(product.Item?.stock ?? Number.NaN);
        // Done allocating: every unit spent and no run holds the SKU (up to a poll late).
        if (!allocationEnd && stock === 0 && !product.Item?.runId) {
          allocationCpu.stop();
          alertOnlyCpu.start();
          allocationEnd = { seconds: elapsed(), emails: received, requests: handlerRequests.snapshot() };
        }
        timeline.push({
          seconds: Math.round(elapsed() * 10) / 10,
          emails: received,
          alertQueue,
          pagesDone: Number(product.Item?.runPage ?? -1) + 1,
          stock,
        });
        if (received > 0 && Number.isNaN(firstEmailSeconds)) firstEmailSeconds = elapsed();
        if (count >= LARGE_BACKORDERS && timeline.length % 60 === 0)
          say(`  ${elapsed().toFixed(0)} s: ${received} emails, alert queue ${alertQueue}`);
      }
      if (stalled) timedOut = true;
      if (!timedOut) lastEmailSeconds = elapsed();
      const windowSeconds = elapsed();
      const receivedInWindow = receivedOfOurs();
      cpu.stop();
      allocationCpu.stop();
      alertOnlyCpu.stop();
      const requestsAtLastEmail = handlerRequests.snapshot();
      await profiler?.stop();

      // 3. Let both queues empty, then count once more: a duplicate would come from a message handled twice.
      const settleStarted = performance.now();
      const restockLeft = await stack.drain(queueUrls.restock, SETTLE_TIMEOUT_MS);
      const alertLeft = await stack.drain(
        queueUrls.alert,
        Math.max(1000, SETTLE_TIMEOUT_MS - (performance.now() - settleStarted)),
      );
      // The alerts' SES events too (the feedback function reads them), so they are counted with the alerts.
      await stack.drain(queueUrls.feedback, 10_000);
      await watcher.poll();
      const handler: RequestCounts = handlerRequests.stop();
      const used = usage.stop();
      const runner = used.polling;
      const countedSeconds = elapsed();
      const settleSeconds = (performance.now() - settleStarted) / 1000;
      const stillQueued = restockLeft.left + alertLeft.left;
      const deadLettered =
        (await stack.queueDepth(deadLetterQueueUrls.restock)) -
        deadBefore.restock +
        (await stack.queueDepth(deadLetterQueueUrls.alert)) -
        deadBefore.alert;

      const received = receivedOfOurs();
      let duplicates = 0;
      let strangers = 0;
      for (const [to, n] of watcher.perRecipient) {
        if (expected.has(to)) duplicates += n - 1;
        else strangers += n;
      }
      const missing = count - received;
      const statuses = await statusesOf(dynamo, tableNames.backorders, sku);
      const allocated = seeded.filter((b) => statuses.get(b.id) === 'allocated').length;
      const notAllocated = count - allocated;
      const productItem = (
        await dynamo.send(
          new GetCommand({ TableName: tableNames.products, Key: { sku }, ConsistentRead: true }),
        )
      ).Item;
      const stockLeft = Number(productItem?.stock ?? Number.NaN);
      const runStillHeld = productItem?.runId !== undefined;

      const sendRate = timedOut ? receivedInWindow / windowSeconds : count / lastEmailSeconds;
      const steadyRate =
        !timedOut && lastEmailSeconds > firstEmailSeconds
          ? (count - (timeline.find((t) => t.emails > 0)?.emails ?? 0)) /
            (lastEmailSeconds - firstEmailSeconds)
          : Number.NaN;
      const alerts = Math.max(1, received);
      const handlerPerAlert = perAlert(handler.commands, alerts);
      const requestsPerAlert = handler.total / alerts;
      const retries = handler.totalAttempts - handler.total;
      const workQueues = new Set(['restock', 'alert']);
      const runnerOnWorkQueues = Object.entries(runner.byCommandAndQueue)
        .filter(([key]) => workQueues.has(key.split(' ')[1]))
        .reduce((sum, [, n]) => sum + n, 0);
      const alertReceives = runner.receives.alert ?? { calls: 0, nonEmpty: 0, messages: 0 };
      const meanAlertBatch = alertReceives.nonEmpty
        ? alertReceives.messages / alertReceives.nonEmpty
        : Number.NaN;
      const cpuReport = cpu.report();
      const cpuMsPerAlert = cpuPerRequest(cpuReport, Math.max(1, receivedInWindow));
      const round2 = (n: number) => Math.round(n * 100) / 100;
      // The two phases: allocating (the alerter sends meanwhile), then the alerter alone. Costs per email come
      // from the second; per allocation, from the first less the emails sent meanwhile at that cost.
      const phases =
        allocationEnd && !timedOut && receivedInWindow > allocationEnd.emails
          ? (() => {
              const end = allocationEnd;
              const emailsAfter = receivedInWindow - end.emails;
              const alertOnlySeconds = lastEmailSeconds - end.seconds;
              const alertOnlyReport = alertOnlyCpu.report();
              const allocationReport = allocationCpu.report();
              const cpuPerEmail = cpuPerRequest(alertOnlyReport, emailsAfter);
              const cpuPerAllocation = Object.fromEntries(
                allocationReport.processes.map((p) => [
                  p.label,
                  round2((p.cpuSeconds * 1000 - end.emails * (cpuPerEmail[p.label] ?? 0)) / count),
                ]),
              );
              const alertOnlyRequests = countsBetween(end.requests, requestsAtLastEmail);
              const requestsPerEmail = alertOnlyRequests.total / emailsAfter;
              const requestsPerAllocation = (end.requests.total - end.emails * requestsPerEmail) / count;
              return {
                allocationSeconds: end.seconds,
                allocationRate: count / end.seconds,
                emailsDuringAllocation: end.emails,
                alertOnly: {
                  emails: emailsAfter,
                  seconds: alertOnlySeconds,
                  rate: emailsAfter / alertOnlySeconds,
                },
                allocationCpu: allocationReport,
                alertOnlyCpu: alertOnlyReport,
                cpuPerEmail,
                cpuPerAllocation,
                requestsPerEmail,
                requestsPerEmailByCommand: perAlert(alertOnlyRequests.commands, emailsAfter),
                requestsPerAllocation,
              };
            })()
          : undefined;

      say(`webhook answered ${response.status} in ${webhookMs.toFixed(0)} ms: ${webhookAnswer}`);
      say(
        timedOut
          ? `after ${windowSeconds.toFixed(0)} s${stalled ? ` (queues empty, nothing new for ${STALL_SECONDS} s)` : ''} only ${receivedInWindow} of ${count} shoppers had the restock email ` +
              `(${sendRate.toFixed(1)} emails/s); ${received - receivedInWindow} more arrived while the queues settled`
          : `${count} restock emails in the SES store ${lastEmailSeconds.toFixed(1)} s after the webhook (first ` +
              `after ${firstEmailSeconds.toFixed(1)} s): ${sendRate.toFixed(1)} emails/s overall, ` +
              `${steadyRate.toFixed(1)} emails/s from the first to the last`,
      );
      say(
        `each once? ${duplicates} duplicates, ${missing} missing, ${strangers} to unexpected recipients; ` +
          `${allocated} of ${count} backorders allocated, stock left ${stockLeft}` +
          `${runStillHeld ? ', allocation run still holds the SKU' : ''}; restock + alert queues ${stillQueued} ` +
          `left after ${settleSeconds.toFixed(1)} s of settling, ${deadLettered} dead-lettered`,
      );
      say(
        `AWS requests by the handlers (SDK middleware on lambdas/runtime/{dynamo,sqs,ses}), webhook to queues ` +
          `drained (${countedSeconds.toFixed(0)} s): ${handler.total} = ${requestsPerAlert.toFixed(2)} per alert` +
          (retries > 0 ? ` (plus ${retries} SDK retries)` : ', no SDK retries'),
      );
      say(`  per alert: ${formatPerAlert(handlerPerAlert)}`);
      say(
        `runner's event-source polling (its own SQS client; Lambda's on AWS, not the function's): ` +
          `${runner.total} requests = ${(runner.total / alerts).toFixed(2)} per alert, of which ` +
          `${runnerOnWorkQueues} (${(runnerOnWorkQueues / alerts).toFixed(2)} per alert) on the restock and alert queues; ` +
          `the rest is idle long-polling of the other queues`,
      );
      say(
        `  ${Object.entries(runner.byCommandAndQueue)
          .map(([key, n]) => `${key} ${n}`)
          .join(', ')}`,
      );
      say(
        `  alert queue: ${alertReceives.nonEmpty} non-empty receives of ${alertReceives.calls}, ` +
          `${meanAlertBatch.toFixed(1)} alerts per batch on average`,
      );
      // Webhook to queues drained: the allocation, the alerter, the webhook's own invocation, the SES events.
      const cost = costOf(used, received, 'restock alerts', ['restock', 'alert', 'feedback']);
      for (const line of costLines(cost)) say(line);
      say(`CPU, webhook to last email: ${formatCpu(cpuReport)}`);
      say(`  CPU ms per alert: ${perLabel(cpuMsPerAlert)}`);
      if (phases) {
        say(
          `allocation: ${count} backorders in ${phases.allocationSeconds.toFixed(1)} s ` +
            `(${phases.allocationRate.toFixed(0)}/s, up to a poll late), ${phases.emailsDuringAllocation} emails ` +
            `sent meanwhile; then the alerter alone: ${phases.alertOnly.emails} emails in ` +
            `${phases.alertOnly.seconds.toFixed(1)} s = ${phases.alertOnly.rate.toFixed(1)} emails/s`,
        );
        say(`  CPU during the allocation: ${formatCpu(phases.allocationCpu)}`);
        say(`  CPU with the alerter alone: ${formatCpu(phases.alertOnlyCpu)}`);
        say(`  CPU ms per email, alerter alone: ${perLabel(phases.cpuPerEmail)}`);
        say(
          `  CPU ms per allocation (allocation window less its emails at the alerter's cost): ` +
            perLabel(phases.cpuPerAllocation),
        );
        say(
          `  requests per email, alerter alone: ${phases.requestsPerEmail.toFixed(2)} ` +
            `(${formatPerAlert(phases.requestsPerEmailByCommand)}); per allocation: ` +
            `${phases.requestsPerAllocation.toFixed(2)}`,
        );
      } else say('allocation and alert-only phases: not separated (the run timed out or ended too soon)');
      const profile = profiler?.summary();
      if (profile) sayProfile(profile, receivedInWindow);

      // 4. The floors, once the platform is idle (restock-floors.ts).
      const sample = seeded[0];
      const { sesConfigurationSet } = await import('../../lambdas/runtime/config');
      const floors = await compareWithFloors(stack, {
        run,
        floorSku,
        floorSeeded,
        pollers: alertBatches,
        batchSize: queues.alert.batchSize,
        sampleStatusUrl: `${stack.url}/status?id=${encodeURIComponent(sample.id)}&token=${sample.token}`,
        configurationSet: sesConfigurationSet(),
        timeoutMs,
        platform: { sendRate, cpuMsPerAlert, cpu: cpuReport },
      });
      const { platformCpuMs } = floors;
      // The nurture scenario, when it ran before in this run, left its CPU per email of all processes.
      const nurtureCpuMs = context.earlier('nurture')?.allProcessCpuMsPerEmail;
      const nurtureRatio = typeof nurtureCpuMs === 'number' ? nurtureCpuMs / platformCpuMs : undefined;
      if (nurtureRatio !== undefined)
        say(
          `a nurture email (this run's nurture scenario) costs ${(nurtureCpuMs as number).toFixed(1)} ms of CPU over ` +
            `all processes, a restock alert ${platformCpuMs.toFixed(1)} ms: ${nurtureRatio.toFixed(2)} ×`,
        );

      context.detail('plan', {
        backorders: count,
        sku,
        eventId,
        alertPollers: alertBatches,
        alertBatchSize: queues.alert.batchSize,
        pollMs: POLL_MS,
        timeoutMs,
        targetSeconds,
      });
      context.detail('seedSeconds', seedSeconds);
      context.detail('warmUp', { backorders: warmUpCount, seconds: warmUpSeconds });
      context.detail('webhook', { status: response.status, ms: webhookMs, answer: webhookAnswer });
      context.detail('delivery', {
        firstEmailSeconds,
        lastEmailSeconds,
        lastEmailStoreAtMinusWebhook: watcher.lastAt() ? watcher.lastAt() - sinceSeconds : null,
        timedOut,
        stalled,
        windowSeconds,
        receivedInWindow,
        received,
        duplicates,
        missing,
        strangers,
        stillQueued,
        deadLettered,
        sendRate,
        steadyRate,
        storePolls: watcher.polls(),
        timeline,
      });
      context.detail('allocation', { allocated, notAllocated, stockLeft, runStillHeld });
      context.detail('requests', {
        countedSeconds,
        handler: { ...handler, perAlert: requestsPerAlert, perCommandPerAlert: handlerPerAlert },
        runner,
        runnerOnWorkQueues,
        meanAlertBatch,
      });
      context.detail('cpu', { report: cpuReport, cpuMsPerAlert });
      if (phases) context.detail('phases', phases);
      context.detail('floors', floors);
      context.detail('cost', cost);
      context.detail('usage', used);
      if (profile) context.detail('profile', profile);

      const figure = figuresOf(SCENARIO);
      const settledCleanly = stillQueued === 0 && !runStillHeld;
      return [
        figure(`webhook to last of ${count} restock emails`, lastEmailSeconds, 's', {
          target: { op: '<=', value: targetSeconds },
          note: stalled
            ? `stopped waiting: queues empty and no new email for ${STALL_SECONDS} s`
            : timedOut
              ? `timed out after ${timeoutMs / 1000} s`
              : `store polled every ${POLL_MS} ms`,
        }),
        figure('send rate from the webhook', sendRate, 'emails/s', {
          target: { op: '>=', value: count / targetSeconds },
          note: timedOut
            ? `${receivedInWindow} emails in the ${(timeoutMs / 1000).toFixed(0)} s limit`
            : 'all emails over webhook to last email',
        }),
        figure('send rate (first to last email)', steadyRate, 'emails/s'),
        figure('first restock email after the webhook', firstEmailSeconds, 's'),
        figure('duplicate restock emails', duplicates + strangers, '', {
          target: { op: '<=', value: 0 },
          required: true,
        }),
        figure('missing restock emails', missing, '', {
          target: { op: '<=', value: 0 },
          required: settledCleanly || deadLettered > 0,
        }),
        figure('backorders not allocated', notAllocated, '', {
          target: { op: '<=', value: 0 },
          required: settledCleanly,
        }),
        figure('free stock left', stockLeft, 'units', { target: { op: '<=', value: 0 } }),
        figure('AWS requests per alert (handlers)', requestsPerAlert, '', {
          target: { op: '<=', value: TARGET_REQUESTS_PER_ALERT },
          note: `SDK middleware on the handlers' clients; ${formatPerAlert(handlerPerAlert.slice(0, 6))}`,
        }),
        figure('event-source polling per alert (runner)', runner.total / alerts, '', {
          note: `Lambda's on AWS; ${(runnerOnWorkQueues / alerts).toFixed(2)} on the restock and alert queues`,
        }),
        figure('allocation of every backorder', phases?.allocationSeconds ?? Number.NaN, 's', {
          note: 'webhook to no run holding the SKU and no free stock left (polled every second)',
        }),
        figure('alerter alone, after the allocation', phases?.alertOnly.rate ?? Number.NaN, 'emails/s'),
        ...floorFigures(figure, floors, cpuReport.othersPercent),
        ...(nurtureRatio === undefined
          ? []
          : [
              figure('nurture email CPU / restock alert CPU', nurtureRatio, '', {
                target: { op: '<=', value: TARGET_NURTURE_CPU_RATIO },
                note: `all processes: ${(nurtureCpuMs as number).toFixed(1)} ms ÷ ${platformCpuMs.toFixed(1)} ms`,
              }),
            ]),
        ...costFigures(figure, cost, TARGET_DOLLARS_PER_1000),
        figure('bench-process CPU per alert', cpuMsPerAlert[label] ?? Number.NaN, 'ms'),
        figure('DynamoDB Local CPU per alert', cpuMsPerAlert['DynamoDB Local'] ?? Number.NaN, 'ms'),
        figure('SES emulator CPU per alert', cpuMsPerAlert['SES emulator'] ?? Number.NaN, 'ms'),
        figure('SQS emulator CPU per alert', cpuMsPerAlert['SQS emulator'] ?? Number.NaN, 'ms'),
        figure('alerter alone: bench-process CPU per email', phases?.cpuPerEmail[label] ?? Number.NaN, 'ms'),
        figure(
          'alerter alone: DynamoDB Local CPU per email',
          phases?.cpuPerEmail['DynamoDB Local'] ?? Number.NaN,
          'ms',
        ),
        figure(
          'allocation: bench-process CPU per backorder',
          phases?.cpuPerAllocation[label] ?? Number.NaN,
          'ms',
        ),
        figure(
          'allocation: DynamoDB Local CPU per backorder',
          phases?.cpuPerAllocation['DynamoDB Local'] ?? Number.NaN,
          'ms',
        ),
        figure('other processes on the machine', cpuReport.othersPercent, '% of a core', {
          note: 'during the platform run',
        }),
      ];
    } finally {
      handlerRequests.remove();
      usage.remove();
      profiler?.close();
      dynamo.destroy();
    }
  },
};
