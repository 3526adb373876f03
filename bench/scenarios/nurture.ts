/**
 * A nurture step falling due for many shoppers at once: 10 000 waiting, consenting shoppers (1 000 with
 * `--quick`) of one product are enrolled in an active campaign whose next step is due within the same
 * minute. The bench calls the scheduler's own sweep (`sweepDueSteps`, under the scheduler's name) once,
 * times it, and then watches the local SES store until every shopper has the email. Seeding
 * (nurture-setup.ts) writes the rows straight to the tables; it is timed and printed, not measured.
 *
 * Measured, from the start of the sweep: the sweep's own time (total and per 1 000 due items) while the
 * nurturer already sends what it queued, the time until the last email is in the SES store (polled every
 * second, so up to ~1 s late), the send rate, whether each shopper got the email exactly once, the AWS
 * requests per email by function and command, the CPU per email of all processes (which the restock scenario
 * compares with an alert's), and the cost on AWS per 1 000 emails (lib/cost.ts). The stack's scheduler ticks
 * only hourly in the bench (bench/lib/stack.ts), so no other sweep interferes.
 */
import { benchDocumentClient } from '../lib/stack';
import { randomBytes } from 'node:crypto';
import { queues } from '../../lib/platform';
import { batchWrite } from '../../test/support/backorder-rows';
import type { Context } from 'aws-lambda';
import { meterAwsUsage } from '../lib/aws-usage';
import { costFigures, costLines, costOf } from '../lib/cost';
import { CpuAccount, cpuPerRequest, formatCpu, perLabel as perCpuLabel, type CpuReport } from '../lib/cpu';
import { nameInvocations } from '../lib/invocations';
import { Profiler, type ProfileSummary } from '../lib/profile';
import { figuresOf } from '../lib/report';
import { sum, type FunctionCounts } from '../lib/requests-by-function';
import { say, type Scenario } from '../lib/scenario';
import { sesWatcher } from '../lib/ses-store';
import { seed, seedRows } from './nurture-setup';

const SCENARIO = 'nurture';
const SHOPPERS = 10_000;
const QUICK_SHOPPERS = 1_000;
const TARGET_SECONDS = 60;
/** The sweep's own time per 1 000 due items (the issue's target). */
const TARGET_SWEEP_MS_PER_1000 = 500;
/** AWS requests per nurture email, all handlers (sweep, nurturer, SES events). */
const TARGET_REQUESTS_PER_EMAIL = 2;
const TIMEOUT_MS = 120_000;
const POLL_MS = 1_000;
/** After the last email: how long to wait for the nurture queue to empty before the final duplicate count. */
const SETTLE_TIMEOUT_MS = 30_000;
const BATCH_WRITE_PARALLEL = 8;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const cpuSecondsOf = (report: CpuReport) => report.processes.reduce((n, p) => n + p.cpuSeconds, 0);

/** A function's requests per email by command, biggest first: `UpdateItem 1.00, Query 0.30, …`. */
const commandsPerEmail = (c: FunctionCounts, emails: number) =>
  `${(c.total / emails).toFixed(2)} per email (` +
  Object.entries(c.commands)
    .map(([command, n]) => `${command} ${(n / emails).toFixed(2)}`)
    .join(', ') +
  ')' +
  (c.retries ? `; ${c.retries} SDK retries` : '') +
  (Object.keys(c.failures).length ? `; failed: ${JSON.stringify(c.failures)}` : '');

const sayProfile = (summary: ProfileSummary, emails: number) => {
  say(
    `CPU profile of the bench process (sweeper + nurturer), sweep start to last email: ${summary.totalMs} ms ` +
      `sampled (idle excluded), ${(summary.totalMs / Math.max(1, emails)).toFixed(2)} ms per email`,
  );
  say(`  self time by origin: ${summary.byOrigin.map((o) => `${o.origin} ${o.percent}%`).join(', ')}`);
  say('  hottest functions (self time):');
  for (const f of summary.topFunctions.slice(0, 12)) say(`    ${f.percent.toFixed(1).padStart(5)}%  ${f.fn}`);
  say(`  profiles: ${summary.files.join(', ')}`);
};

export const nurtureScenario: Scenario = {
  name: SCENARIO,
  description: `${SHOPPERS.toLocaleString('en').replace(/,/g, ' ')} shoppers due the same minute: one sweep, every email sent within ${TARGET_SECONDS} s, each once`,
  run: async (context) => {
    const stack = await context.stack();
    const count = context.options.quick ? QUICK_SHOPPERS : SHOPPERS;
    const nurturerOn = context.options.queueConcurrency !== 0;
    const run = randomBytes(4).toString('hex');
    const sku = `BENCH-NURTURE-${run}`.toUpperCase();
    const campaignId = `bench-nurture-${run}`;
    const { tableNames, queueUrls, deadLetterQueueUrls } = stack.platform;

    // 1. Seed (timed, not measured).
    const seedStarted = performance.now();
    await seed(stack, count, run, sku, campaignId);
    // Activating the campaign queued an enrolment job; let it finish (it finds nobody yet) before the rows land.
    if (nurturerOn) await stack.drain(queueUrls.enrolment, 30_000);
    const dueMinuteMs = Math.floor(Date.now() / 60_000) * 60_000 - 60_000;
    const rows = seedRows(count, run, sku, campaignId, dueMinuteMs);
    const dynamo = benchDocumentClient(stack);
    try {
      await batchWrite(dynamo, tableNames.backorders, rows.backorders, BATCH_WRITE_PARALLEL);
      await batchWrite(dynamo, tableNames.enrolments, rows.enrolments, BATCH_WRITE_PARALLEL);
    } finally {
      dynamo.destroy();
    }
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    say(
      `seeded ${count} waiting, consenting backorders of ${sku} and their enrolments in campaign ${campaignId} ` +
        `(one step, delay PT0S), all due between ${new Date(dueMinuteMs).toISOString().slice(11, 16)} and ` +
        `${new Date(dueMinuteMs + 60_000).toISOString().slice(11, 16)} UTC, in ${seedSeconds.toFixed(1)} s (not measured)`,
    );
    // Earlier scenarios' emails: confirmations on the email queue, steps on the nurture queue.
    for (const queue of ['email', 'nurture'] as const) {
      const backlog = await stack.queueDepth(queueUrls[queue]);
      if (backlog === 0 || !nurturerOn) continue;
      say(`waiting for ${backlog} emails left in the ${queue} queue by earlier scenarios…`);
      await stack.drain(queueUrls[queue], 120_000);
    }

    const deadLetteredBefore = await stack.queueDepth(deadLetterQueueUrls.nurture);

    // 2. Measure: one sweep, then every email.
    // Loaded now: the handlers' modules read the environment startPlatform set (the same instances the stack runs).
    const { sweepDueSteps } = await import('../../lambdas/use-cases/sweep-nurture');
    const pollers = context.options.queueConcurrency ?? queues.nurture.maxConcurrency;
    say(
      `sweeping with the scheduler's sweepDueSteps()` +
        (nurturerOn
          ? `, then watching the SES store every ${POLL_MS / 1000} s until ${count} emails are in (limit ` +
            `${TIMEOUT_MS / 1000} s); ${pollers} nurture queue pollers, batches of ${queues.nurture.batchSize}`
          : ' (nurturer off: --queue-concurrency 0, only the sweep is measured)'),
    );
    const profiler = context.options.profile
      ? new Profiler(context.options.resultsDir, 'nurture')
      : undefined;
    const label = `bench process (sweeper${nurturerOn ? ', nurturer' : ''})`;
    // Two windows: while the sweep runs (the nurturer already sends what it queued), and after it, when only
    // the nurturer works, which gives a clean CPU cost per email.
    const sweepCpu = new CpuAccount(label);
    const sendCpu = new CpuAccount(label);
    const sinceSeconds = Math.floor(Date.now() / 1000);
    const watcher = sesWatcher(
      stack.endpoints.ses,
      (email) => email.subject.includes(campaignId),
      sinceSeconds,
    );
    const timeline: { seconds: number; emails: number }[] = [];
    // Per function and command, with what AWS bills (lib/cost.ts); the runner's event-source polling too.
    const usage = await meterAwsUsage(stack);
    try {
      await profiler?.start();
      usage.start();
      sweepCpu.start();
      const started = performance.now();
      const elapsed = () => (performance.now() - started) / 1000;
      let emailsDuringSweep = 0;
      const sweep = (async () => {
        // As the scheduler runs it, under its name, so its requests and time count as the scheduler's.
        const report = await (nameInvocations('scheduler', () => sweepDueSteps(Date.now()))(
          undefined,
          {} as Context,
        ) as ReturnType<typeof sweepDueSteps>);
        const seconds = elapsed();
        sweepCpu.stop();
        if (nurturerOn) {
          await watcher.poll();
          emailsDuringSweep = watcher.perRecipient.size;
          sendCpu.start();
        }
        return { ...report, seconds };
      })();
      let sweepError: unknown;
      sweep.catch((error) => (sweepError = error));
      let firstEmailSeconds = Number.NaN;
      let lastEmailSeconds = Number.NaN;
      let timedOut = false;
      if (nurturerOn) {
        while (watcher.perRecipient.size < count) {
          if (sweepError) throw sweepError;
          if (elapsed() * 1000 > TIMEOUT_MS) {
            timedOut = true;
            break;
          }
          await sleep(POLL_MS);
          await watcher.poll();
          timeline.push({ seconds: Math.round(elapsed() * 10) / 10, emails: watcher.emails() });
          if (watcher.emails() > 0 && Number.isNaN(firstEmailSeconds)) firstEmailSeconds = elapsed();
        }
        if (!timedOut) lastEmailSeconds = elapsed();
      }
      // What the measured window saw; the settle below may still bring late emails (and duplicates).
      const windowSeconds = elapsed();
      const receivedInWindow = watcher.perRecipient.size;
      const swept = await sweep;
      sendCpu.stop();
      const emailsAfterSweep = watcher.perRecipient.size - emailsDuringSweep;
      await profiler?.stop();

      const sweepMs = swept.seconds * 1000;
      const perThousand = swept.due > 0 ? sweepMs / (swept.due / 1000) : Number.NaN;
      say(
        `sweep: ${swept.due} due, ${swept.queued} queued, ${swept.buckets} hourly buckets × 8 shards in ` +
          `${sweepMs.toFixed(0)} ms: ${perThousand.toFixed(0)} ms per 1 000 due items` +
          (nurturerOn ? ` (meanwhile the nurturer sent ${emailsDuringSweep} of them)` : ''),
      );

      // 3. Let the nurture queue empty, then count once more: a duplicate would come from a message handled
      // twice.
      let settle = { seconds: 0, left: 0 };
      if (nurturerOn) {
        settle = await stack.drain(queueUrls.nurture, SETTLE_TIMEOUT_MS);
        // The emails' SES events too (the feedback function reads them), so they are counted with the emails.
        await stack.drain(queueUrls.feedback, 10_000);
        await watcher.poll();
      }
      const used = usage.stop();
      const stillQueued = settle.left;
      const deadLettered = (await stack.queueDepth(deadLetterQueueUrls.nurture)) - deadLetteredBefore;
      const expected = new Set(rows.emails);
      const received = [...watcher.perRecipient.keys()].filter((to) => expected.has(to)).length;
      const duplicates = [...watcher.perRecipient.values()].reduce((sum, n) => sum + Math.max(0, n - 1), 0);
      const strangers = [...watcher.perRecipient.keys()].filter((to) => !expected.has(to)).length;
      const missing = count - received;
      const sendRate = !nurturerOn
        ? Number.NaN
        : timedOut
          ? receivedInWindow / windowSeconds
          : count / lastEmailSeconds;
      const steadyRate =
        nurturerOn && !timedOut && lastEmailSeconds > firstEmailSeconds
          ? count / (lastEmailSeconds - firstEmailSeconds)
          : Number.NaN;
      const sweepCpuReport = sweepCpu.report();
      const sendCpuReport = sendCpu.report();
      const perDueItem = cpuPerRequest(sweepCpuReport, Math.max(1, swept.due));
      const perEmail = cpuPerRequest(sendCpuReport, Math.max(1, emailsAfterSweep));
      const perLabel = (costs: Record<string, number>) => perCpuLabel(costs, 1);

      if (nurturerOn) {
        say(
          timedOut
            ? `after ${windowSeconds.toFixed(0)} s only ${receivedInWindow} of ${count} shoppers had the email ` +
                `(${sendRate.toFixed(1)} emails/s); ${received - receivedInWindow} more arrived while the queue settled`
            : `${count} emails in the SES store ${lastEmailSeconds.toFixed(1)} s after the sweep started ` +
                `(first after ${firstEmailSeconds.toFixed(1)} s): ${sendRate.toFixed(1)} emails/s overall, ` +
                `${steadyRate.toFixed(1)} emails/s from the first to the last`,
        );
        say(
          `each once? ${duplicates} duplicates, ${missing} missing, ${strangers} unexpected recipients; nurture queue ` +
            `${stillQueued} left after a ${SETTLE_TIMEOUT_MS / 1000} s settle, ${deadLettered} dead-lettered`,
        );
      }
      say(`CPU during the sweep: ${formatCpu(sweepCpuReport)}`);
      say(
        `  CPU ms per due item${nurturerOn ? ' (sweep and the sends meanwhile)' : ''}: ${perLabel(perDueItem)}`,
      );
      if (nurturerOn && emailsAfterSweep > 0) {
        say(`CPU after the sweep (nurturer alone, ${emailsAfterSweep} emails): ${formatCpu(sendCpuReport)}`);
        say(`  CPU ms per email: ${perLabel(perEmail)}`);
      }
      // Sweep start to the last email, every process: what restock's CPU per alert is compared with.
      const allProcessCpuMsPerEmail =
        ((cpuSecondsOf(sweepCpuReport) + cpuSecondsOf(sendCpuReport)) * 1000) / Math.max(1, receivedInWindow);
      const emails = Math.max(1, received);
      const requests = used.requests;
      const requestsPerEmail =
        sum(Object.fromEntries(Object.entries(requests).map(([n, c]) => [n, c.total]))) / emails;
      const cost = costOf(used, received, 'nurture emails', ['nurture', 'feedback']);
      if (nurturerOn) {
        say(
          `CPU per email, all processes, sweep start to last email: ${allProcessCpuMsPerEmail.toFixed(1)} ms`,
        );
        say(
          `AWS requests by the handlers, sweep to queues drained: ${requestsPerEmail.toFixed(2)} per email ` +
            `(${Object.entries(requests)
              .map(([name, c]) => `${name} ${(c.total / emails).toFixed(2)}`)
              .join(', ')})`,
        );
        for (const [name, c] of Object.entries(requests)) say(`  ${name}: ${commandsPerEmail(c, emails)}`);
        for (const line of costLines(cost)) say(line);
      }
      const profile = profiler?.summary();
      if (profile) sayProfile(profile, nurturerOn ? receivedInWindow : swept.due);

      context.detail('plan', {
        shoppers: count,
        sku,
        campaignId,
        dueMinute: new Date(dueMinuteMs).toISOString(),
        nurtureQueuePollers: pollers,
        nurtureBatchSize: queues.nurture.batchSize,
        pollMs: POLL_MS,
        timeoutMs: TIMEOUT_MS,
      });
      context.detail('seedSeconds', seedSeconds);
      context.detail('sweep', {
        ...swept,
        ms: sweepMs,
        msPerThousandDue: perThousand,
        emailsSentMeanwhile: emailsDuringSweep,
        cpu: sweepCpuReport,
        cpuMsPerDueItem: perDueItem,
      });
      context.detail('delivery', {
        firstEmailSeconds,
        lastEmailSeconds,
        lastEmailStoreAtMinusSweepStart: watcher.lastAt() ? watcher.lastAt() - sinceSeconds : null,
        timedOut,
        windowSeconds,
        receivedInWindow,
        received,
        emailsWithMarker: watcher.emails(),
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
      context.detail('nurturer', { emails: emailsAfterSweep, cpu: sendCpuReport, cpuMsPerEmail: perEmail });
      if (nurturerOn) {
        // Read by the restock scenario (context.earlier) for its "nurture email CPU / restock alert CPU".
        context.detail('allProcessCpuMsPerEmail', allProcessCpuMsPerEmail);
        context.detail('requests', {
          perEmail: requestsPerEmail,
          byFunction: requests,
          polling: used.polling,
        });
        context.detail('cost', cost);
        context.detail('usage', used);
      }
      if (profile) context.detail('profile', profile);

      const figure = figuresOf(SCENARIO);
      const benchCpu = perEmail[label] ?? Number.NaN;
      const afterSweep = emailsAfterSweep > 0 ? {} : { note: 'no email was sent after the sweep' };
      const sweepFigures = [
        figure(`sweep of ${count} due items`, sweepMs, 'ms'),
        figure('sweeper time per 1 000 due items', perThousand, 'ms', {
          target: { op: '<=', value: TARGET_SWEEP_MS_PER_1000 },
        }),
        figure('steps queued by the sweep', swept.queued, '', { target: { op: '>=', value: count } }),
      ];
      if (!nurturerOn) return sweepFigures;
      return [
        ...sweepFigures,
        figure(`sweep start to last of ${count} emails`, lastEmailSeconds, 's', {
          target: { op: '<=', value: TARGET_SECONDS },
          note: timedOut ? `timed out after ${TIMEOUT_MS / 1000} s` : `store polled every ${POLL_MS} ms`,
        }),
        figure('send rate from sweep start', sendRate, 'emails/s', {
          target: { op: '>=', value: count / TARGET_SECONDS },
          note: timedOut
            ? `${receivedInWindow} emails in the ${windowSeconds.toFixed(0)} s limit`
            : 'all emails over sweep start to last email',
        }),
        figure('send rate (first to last email)', steadyRate, 'emails/s'),
        figure('duplicate emails', duplicates + strangers, '', {
          target: { op: '<=', value: 0 },
          required: true,
        }),
        // Late is a miss; lost (nothing left to send them, or dead-lettered) makes the run invalid.
        figure('missing emails', missing, '', {
          target: { op: '<=', value: 0 },
          required: stillQueued === 0 || deadLettered > 0,
        }),
        figure('AWS requests per email (handlers)', requestsPerEmail, '', {
          target: { op: '<=', value: TARGET_REQUESTS_PER_EMAIL },
          note: Object.entries(requests)
            .map(([name, c]) => `${name} ${(c.total / emails).toFixed(2)}`)
            .join(', '),
        }),
        figure('CPU per email, all processes', allProcessCpuMsPerEmail, 'ms', {
          note: 'sweep start to last email',
        }),
        ...costFigures(figure, cost),
        figure('nurturer: bench-process CPU per email', benchCpu, 'ms', afterSweep),
        figure(
          'nurturer: DynamoDB Local CPU per email',
          perEmail['DynamoDB Local'] ?? Number.NaN,
          'ms',
          afterSweep,
        ),
        figure(
          'other processes on the machine',
          (sendCpuReport.wallSeconds > 0 ? sendCpuReport : sweepCpuReport).othersPercent,
          '% of a core',
        ),
      ];
    } finally {
      profiler?.close();
      usage.remove();
    }
  },
};
