/**
 * Holds running out together: 10 000 allocated reservations of one product (1 000 with `--quick`) whose holds
 * end within the same minute, and as many shoppers waiting behind them. The scheduler's own hold sweep
 * (`sweepDueHolds`) runs once, on an injected clock, just after the last hold's end; the hold keeper (the hold
 * queue's consumer) expires each hold and returns its units, the allocator hands them to the next in line, the
 * alerter tells those shoppers and the sender tells the expired ones. Set-up: ./holds-setup.ts (timed, not
 * measured). The product's hold is PT1H and its checkout URL a template, so every allocation is held.
 *
 * Measured, from the sweep's start: when all N holds are `expired` and all N next shoppers `allocated` (the
 * product's status counters, read every second: they move in the transactions that make those changes), and
 * when the last expiry email and the last restock alert of the next in line are in the SES store. Then, once
 * the queues have drained, each expired exactly once (its events), each email once per shopper, the stock
 * at 0 and the dashboard's `expired` at N; and the AWS requests per expiry of each function (the bench stack
 * runs each invocation under its function's name; the sweep runs under `scheduler`).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { randomBytes } from 'node:crypto';
import { queues, type QueueName } from '../../lib/platform';
import { CpuAccount, cpuPerRequest, formatCpu } from '../lib/cpu';
import { nameInvocations } from '../lib/invocations';
import { Profiler } from '../lib/profile';
import { figuresOf } from '../lib/report';
import { countOtherSqsClients } from '../lib/requests';
import { countRequestsByFunction, noRequests, type FunctionCounts } from '../lib/requests-by-function';
import { say, type Scenario } from '../lib/scenario';
import { deadLetteredSince, depthsOf, drainAll, drainLeftovers } from '../lib/settle';
import { recipientsOf, sesWatcher } from '../lib/ses-store';
import * as setup from './holds-setup';

const SCENARIO = 'holds';
const HOLDS = 10_000;
const QUICK_HOLDS = 1_000;
/** The issue's target: 10 000 holds ending in the same minute expire and re-allocate within a minute. */
const TARGET_SECONDS = 60;
const TIMEOUT_MS = 900_000;
const POLL_MS = 1_000;
/** Queues empty and nothing new for this long: the wait ends, the rest counts as missing. */
const STALL_SECONDS = 30;
const SETTLE_TIMEOUT_MS = 120_000;
/** The queues an expiry's work goes through, in order. */
const WORK_QUEUES = ['hold', 'restock', 'alert', 'email'] as const satisfies readonly QueueName[];
/** Subjects (i18n/emails/en.json): the restock alert, the expiry notice, the reminder. */
const SUBJECTS = {
  alert: 'is back',
  expired: 'is no longer held for you',
  reminder: 'is held for you until',
};

const spaced = (n: number) => n.toLocaleString('en').replace(/,/g, ' ');
const perExpiry = (n: number, count: number) => (n / Math.max(1, count)).toFixed(2);
const topCommands = (c: FunctionCounts, count: number, n = 6) =>
  Object.entries(c.commands)
    .slice(0, n)
    .map(([name, k]) => `${name} ${perExpiry(k, count)}`)
    .join(', ');

export const holdsScenario: Scenario = {
  name: SCENARIO,
  description:
    `${spaced(HOLDS)} holds ending in the same minute with ${spaced(HOLDS)} shoppers behind them: one sweep, ` +
    `all expired and re-allocated within ${TARGET_SECONDS} s, alerted, each once`,
  run: async (context) => {
    const stack = await context.stack();
    if (context.options.queueConcurrency === 0) {
      say('skipped: --queue-concurrency 0 runs no hold keeper, allocator or sender');
      return [];
    }
    const count = context.options.quick ? QUICK_HOLDS : HOLDS;
    const run = randomBytes(4).toString('hex');
    const sku = `BENCH-HOLDS-${run}`.toUpperCase();
    const { tableNames, queueUrls, deadLetterQueueUrls } = stack.platform;
    const dynamo = DynamoDBDocumentClient.from(
      new DynamoDBClient({
        region: 'us-east-1',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        endpoint: stack.endpoints.dynamodb,
      }),
    );
    // The handlers' own modules, loaded after startPlatform set the environment: the instances the stack runs.
    const [
      { dynamo: handlerDynamo },
      { sqs: handlerSqs },
      { ses: handlerSes },
      { sweepDueHolds },
      { markReminded },
    ] = await Promise.all([
      import('../../lambdas/runtime/dynamo'),
      import('../../lambdas/runtime/sqs'),
      import('../../lambdas/runtime/ses'),
      import('../../lambdas/use-cases/sweep-holds'),
      import('../../lambdas/store/hold-store'),
    ]);
    // The sweep as the scheduler runs it, under its name, so its requests count as the scheduler's.
    const sweepAt = (atMs: number) =>
      nameInvocations('scheduler', () => sweepDueHolds(atMs))(undefined, {} as Context) as ReturnType<
        typeof sweepDueHolds
      >;
    const requests = countRequestsByFunction([handlerDynamo, handlerSqs, handlerSes]);
    const runner = countOtherSqsClients([handlerSqs, stack.clients.sqs], stack.prefix);
    const profiler = context.options.profile ? new Profiler(context.options.resultsDir, SCENARIO) : undefined;
    try {
      // 1. Set-up (timed, not measured).
      let started = performance.now();
      const { held, next } = await setup.seedQueue(stack, dynamo, sku, run, count);
      const seedSeconds = (performance.now() - started) / 1000;
      say(
        `seeded ${2 * count} waiting backorders of 1 unit on ${sku} in ${seedSeconds.toFixed(1)} s (not measured)`,
      );
      await drainLeftovers(stack, queueUrls, Object.keys(queues) as QueueName[], say);
      started = performance.now();
      await setup.allocateHeld(stack, dynamo, sku, run, count);
      const allocateSeconds = (performance.now() - started) / 1000;
      started = performance.now();
      const times = await setup.remindHolds(
        stack,
        dynamo,
        held.map((b) => b.id),
        markReminded,
      );
      const spreadSeconds = (times.lastEnd - times.firstEnd) / 1000;
      say(
        `the oldest ${count} allocated through the platform (webhook of ${count} units) and alerted in ` +
          `${allocateSeconds.toFixed(1)} s, their reminders recorded in ${((performance.now() - started) / 1000).toFixed(1)} s ` +
          `(not measured); their holds (${setup.CHECKOUT.hold}) end between ${new Date(times.firstEnd).toISOString()} ` +
          `and ${new Date(times.lastEnd).toISOString()} (${spreadSeconds.toFixed(1)} s apart)`,
      );
      const deadBefore = await depthsOf(
        stack,
        WORK_QUEUES.map((q) => deadLetterQueueUrls[q]),
      );
      const before = await setup.productCounters(dynamo, tableNames.ledger, sku);
      // The set-up's emails are all stored: the watched window starts after them (the store counts seconds).
      await setup.sleep(1_100);

      // 2. Measure: one sweep just after the last hold's end, then the expiries, re-allocations and emails.
      const heldEmails = new Set(held.map((b) => b.email.toLowerCase()));
      const nextEmails = new Set(next.map((b) => b.email.toLowerCase()));
      const received = { alert: new Map<string, number>(), expired: new Map<string, number>(), reminder: 0 };
      const sinceSeconds = Math.floor(Date.now() / 1000);
      const watcher = sesWatcher(
        stack.endpoints.ses,
        (email) => Object.values(SUBJECTS).some((s) => email.subject.includes(s)),
        sinceSeconds,
        (email) => {
          if (email.subject.includes(SUBJECTS.reminder)) return void received.reminder++;
          const kind = email.subject.includes(SUBJECTS.expired) ? received.expired : received.alert;
          for (const to of recipientsOf(email)) kind.set(to, (kind.get(to) ?? 0) + 1);
        },
      );
      const ofOurs = (map: Map<string, number>, expected: Set<string>) => {
        let n = 0;
        for (const to of map.keys()) if (expected.has(to)) n++;
        return n;
      };
      const sweptAtMs = times.lastEnd + 1000;
      say(
        `sweeping once at ${new Date(sweptAtMs).toISOString()} (injected clock), then reading the product's ` +
          `counters and the SES store every ${POLL_MS / 1000} s; hold queue: ${queues.hold.maxConcurrency} ` +
          `pollers, batches of ${queues.hold.batchSize}`,
      );
      const label = 'bench process (platform)';
      const cpu = new CpuAccount(label);
      const progress = { expired: 0, reallocated: 0, expiryEmails: 0, alerts: 0 };
      const doneAt: Partial<Record<keyof typeof progress, number>> = {};
      const timeline: (typeof progress & { seconds: number; queues: number[]; stock: number })[] = [];
      await profiler?.start();
      requests.start();
      runner.start();
      cpu.start();
      started = performance.now();
      const elapsed = () => (performance.now() - started) / 1000;
      let sweepError: unknown;
      const sweep = sweepAt(sweptAtMs).then((report) => ({ ...report, seconds: elapsed() }));
      sweep.catch((error: unknown) => (sweepError = error));
      let lastProgress = { total: 0, seconds: 0 };
      let stalled = false;
      let timedOut = false;
      while (Object.keys(doneAt).length < 4) {
        if (sweepError) throw sweepError;
        if (elapsed() * 1000 > TIMEOUT_MS) {
          timedOut = true;
          break;
        }
        await setup.sleep(POLL_MS);
        const [, counters, product, ...depths] = await Promise.all([
          watcher.poll(),
          setup.productCounters(dynamo, tableNames.ledger, sku),
          setup.productItem(stack, dynamo, sku),
          ...WORK_QUEUES.map((q) => stack.queueDepth(queueUrls[q])),
        ]);
        progress.expired = (counters.expired ?? 0) - (before.expired ?? 0);
        // Each expiry takes one off `allocated`; each re-allocation puts one back.
        progress.reallocated = (counters.allocated ?? 0) - (before.allocated ?? 0) + progress.expired;
        progress.expiryEmails = ofOurs(received.expired, heldEmails);
        progress.alerts = ofOurs(received.alert, nextEmails);
        for (const [key, value] of Object.entries(progress) as [keyof typeof progress, number][])
          if (value >= count && doneAt[key] === undefined) doneAt[key] = elapsed();
        const total = Object.values(progress).reduce((a, b) => a + b, 0);
        if (total > lastProgress.total || depths.some((d) => d > 0))
          lastProgress = { total, seconds: elapsed() };
        else if (elapsed() - lastProgress.seconds > STALL_SECONDS) {
          stalled = true;
          break;
        }
        const stock = Number(product?.stock ?? Number.NaN);
        timeline.push({ seconds: Math.round(elapsed() * 10) / 10, ...progress, queues: depths, stock });
        if (timeline.length % 10 === 0)
          say(
            `  ${elapsed().toFixed(0)} s: ${progress.expired} expired, ${progress.reallocated} re-allocated, ` +
              `${progress.expiryEmails} expiry emails, ${progress.alerts} alerts; queued ` +
              WORK_QUEUES.map((q, i) => `${q} ${depths[i]}`).join(', ') +
              `; free stock ${stock}`,
          );
      }
      const windowSeconds = elapsed();
      cpu.stop();
      await profiler?.stop();
      const swept = await sweep;

      // 3. Let the queues empty, then check everything once more: a duplicate comes from work done twice.
      const stillQueued = await drainAll(
        stack,
        WORK_QUEUES.map((q) => queueUrls[q]),
        SETTLE_TIMEOUT_MS,
      );
      await watcher.poll();
      const byFunction = requests.stop();
      const polling = runner.stop();
      const deadLettered = await deadLetteredSince(
        stack,
        WORK_QUEUES.map((q) => deadLetterQueueUrls[q]),
        deadBefore,
      );
      const checks = await setup.outcome(stack, dynamo, sku, held, next);
      const expiryEmails = setup.emailCheck(received.expired, heldEmails);
      const alerts = setup.emailCheck(received.alert, nextEmails);
      const { notExpired, expiredTwice, notReallocated, allocatedTwice, stockLeft, statsExpired } = checks;
      const duplicates =
        checks.expiredTwice +
        checks.allocatedTwice +
        expiryEmails.duplicates +
        expiryEmails.strangers +
        alerts.duplicates +
        alerts.strangers;

      // 4. Report.
      const cpuReport = cpu.report();
      const cpuMs = cpuPerRequest(cpuReport, count);
      const all = Object.values(byFunction);
      const totalRequests = all.reduce((sum, c) => sum + c.total, 0);
      const retries = all.reduce((sum, c) => sum + c.retries, 0);
      const of = (name: string) => byFunction[name] ?? noRequests();
      const restockMessages = polling.receives.restock?.messages ?? 0;
      const holdReceives = polling.receives.hold ?? { calls: 0, nonEmpty: 0, messages: 0 };
      const seconds = (key: keyof typeof progress) => doneAt[key] ?? Number.NaN;
      say(
        `sweep: ${swept.due} due, ${swept.queued} queued, in ${(swept.seconds * 1000).toFixed(0)} ms ` +
          `(${((swept.seconds * 1000) / Math.max(1, swept.due / 1000)).toFixed(0)} ms per 1 000 due)`,
      );
      say(
        `all ${count} expired after ${seconds('expired').toFixed(1)} s, the next ${count} allocated after ` +
          `${seconds('reallocated').toFixed(1)} s; last expiry email after ${seconds('expiryEmails').toFixed(1)} s, ` +
          `last restock alert after ${seconds('alerts').toFixed(1)} s` +
          (timedOut || stalled
            ? ` (${stalled ? `stalled: queues empty, nothing new for ${STALL_SECONDS} s` : 'timed out'} at ` +
              `${windowSeconds.toFixed(0)} s: ${JSON.stringify(progress)})`
            : ''),
      );
      say(
        `each once? ${expiredTwice} expired twice, ${allocatedTwice} allocated twice, expiry emails ` +
          `${expiryEmails.duplicates} duplicate / ${expiryEmails.strangers} to others / ${expiryEmails.missing} ` +
          `missing, alerts ${alerts.duplicates} / ${alerts.strangers} / ${alerts.missing}, ${received.reminder} ` +
          `reminders; ${notExpired} not expired, ${notReallocated} not re-allocated, free stock ${stockLeft}, ` +
          `dashboard expired ${statsExpired}; ${stillQueued} left queued after settling, ${deadLettered} dead-lettered`,
      );
      say(
        `AWS requests by the handlers, sweep to queues drained: ${totalRequests} = ${perExpiry(totalRequests, count)} ` +
          `per expiry${retries > 0 ? ` (plus ${retries} SDK retries)` : ', no SDK retries'}`,
      );
      for (const [name, c] of Object.entries(byFunction))
        say(
          `  ${name}: ${perExpiry(c.total, count)} per expiry (${topCommands(c, count)})` +
            (c.queryItems ? `; Query items ${perExpiry(c.queryItems, count)}` : '') +
            (Object.keys(c.failures).length ? `; failed: ${JSON.stringify(c.failures)}` : ''),
        );
      say(
        `hold queue: ${holdReceives.messages} messages in ${holdReceives.nonEmpty} batches ` +
          `(${(holdReceives.messages / Math.max(1, holdReceives.nonEmpty)).toFixed(1)} each); restock queue: ` +
          `${restockMessages} allocation messages for ${count} expiries`,
      );
      say(`CPU, sweep to the last of it: ${formatCpu(cpuReport)}`);
      say(
        `  CPU ms per expiry: ${Object.entries(cpuMs)
          .filter(([, v]) => v >= 0.05)
          .map(([k, v]) => `${k} ${v.toFixed(2)}`)
          .join(', ')}`,
      );
      const profile = profiler?.summary();
      if (profile) {
        say(
          `CPU profile of the bench process, sweep to the last of it: ${profile.totalMs} ms sampled (idle excluded)`,
        );
        say(`  self time by origin: ${profile.byOrigin.map((o) => `${o.origin} ${o.percent}%`).join(', ')}`);
        for (const f of profile.topFunctions.slice(0, 12))
          say(`    ${f.percent.toFixed(1).padStart(5)}%  ${f.fn}`);
        context.detail('profile', profile);
      }

      context.detail('plan', {
        holds: count,
        sku,
        hold: setup.CHECKOUT.hold,
        sweptAt: new Date(sweptAtMs).toISOString(),
      });
      context.detail('setup', {
        seedSeconds,
        allocateSeconds,
        holdEndsSpreadSeconds: spreadSeconds,
      });
      context.detail('sweep', swept);
      context.detail('progress', { doneAt, timedOut, stalled, windowSeconds, timeline });
      context.detail('checks', {
        ...checks,
        expiryEmails,
        alerts,
        remindersInWindow: received.reminder,
        stillQueued,
        deadLettered,
      });
      context.detail('requests', { byFunction, polling, restockMessages });
      context.detail('cpu', { report: cpuReport, cpuMsPerExpiry: cpuMs });

      const figure = figuresOf(SCENARIO);
      const settled = stillQueued === 0;
      const target = { op: '<=' as const, value: TARGET_SECONDS };
      const rate = (key: keyof typeof progress) => count / seconds(key);
      return [
        figure(`sweep of ${count} due holds`, swept.seconds * 1000, 'ms', { note: `${swept.queued} queued` }),
        figure(`sweep to all ${count} expired`, seconds('expired'), 's', {
          target,
          note: 'status counters, polled every second',
        }),
        figure(`sweep to the next ${count} allocated`, seconds('reallocated'), 's', { target }),
        figure('expiries per second', rate('expired'), '/s'),
        figure('re-allocations per second', rate('reallocated'), '/s'),
        figure('sweep to the last expiry email', seconds('expiryEmails'), 's', {
          note: 'email queue, the sender',
        }),
        figure('sweep to the last restock alert', seconds('alerts'), 's', {
          note: 'alert queue, the alerter',
        }),
        figure('duplicates (expiries, allocations, emails)', duplicates, '', {
          target: { op: '<=', value: 0 },
          required: true,
        }),
        figure('holds not expired', notExpired, '', { target: { op: '<=', value: 0 }, required: settled }),
        figure('next in line not allocated', notReallocated, '', {
          target: { op: '<=', value: 0 },
          required: settled,
        }),
        figure('missing emails (expiry + alert)', expiryEmails.missing + alerts.missing, '', {
          target: { op: '<=', value: 0 },
          required: settled || deadLettered > 0,
        }),
        figure('free stock left', stockLeft, 'units', { target: { op: '<=', value: 0 } }),
        figure('dashboard expired − holds', Math.abs(statsExpired - count), '', {
          target: { op: '<=', value: 0 },
        }),
        figure('AWS requests per expiry (all handlers)', totalRequests / count, '', {
          note: Object.entries(byFunction)
            .map(([n, c]) => `${n} ${perExpiry(c.total, count)}`)
            .join(', '),
        }),
        figure('hold keeper requests per expiry', of('holdKeeper').total / count, '', {
          note: topCommands(of('holdKeeper'), count, 4),
        }),
        figure('allocator requests per re-allocation', of('allocator').total / count, '', {
          note: `${restockMessages} restock messages; Query items ${perExpiry(of('allocator').queryItems, count)}`,
        }),
        figure('bench-process CPU per expiry', cpuMs[label] ?? Number.NaN, 'ms'),
        figure('DynamoDB Local CPU per expiry', cpuMs['DynamoDB Local'] ?? Number.NaN, 'ms'),
        figure('other processes on the machine', cpuReport.othersPercent, '% of a core'),
      ];
    } finally {
      requests.remove();
      runner.restore();
      profiler?.close();
      dynamo.destroy();
    }
  },
};
