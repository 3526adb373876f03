/**
 * A moved expected restock date told to everyone waiting: 10 000 shoppers waiting for one product (1 000 with
 * `--quick`), one save of the product with a new date (`PUT /api/admin/products/{sku}`, as the console saves
 * it), then the debounce window, the scheduler's expected-date sweep announcing the date and fanning it out
 * page by page (250 waiting a page) into the email queue, and the sender sending each shopper one
 * `etaUpdate` (ledger id `eta:<sku>:<version>:<backorder>`). Set-up: ./eta-setup.ts (timed, not measured).
 *
 * The window and the tick are short here (ETA_DEBOUNCE_SECONDS=5, a tick every second, where the shop has 600 s
 * and a minute), so the time measured is the fan-out's and the sending's, not the wait the platform means to
 * make. The bench stack's own scheduler ticks hourly, so the bench ticks the scheduler's expected-date sweep
 * itself, under the scheduler's name, as the local runner would, until the fan-out is done.
 *
 * Measured, from the moment the save is sent: when the window ends, when the date is announced, when each page
 * is queued, and when the last email is in the SES store (read every second). Then, once the email queue has
 * drained: each shopper emailed exactly once, each backorder recorded as told, the shoppers whose date slipped
 * more than 14 days asked and the others not; the AWS requests per email of each function; CPU per email.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { randomBytes } from 'node:crypto';
import { queues, type QueueName } from '../../lib/platform';
import type { EmailMessage } from '../../lambdas/messages/email';
import { CpuAccount, cpuPerRequest, formatCpu } from '../lib/cpu';
import { nameInvocations } from '../lib/invocations';
import { figuresOf } from '../lib/report';
import { countOtherSqsClients } from '../lib/requests';
import { countRequestsByFunction, noRequests, type FunctionCounts } from '../lib/requests-by-function';
import { say, type Scenario } from '../lib/scenario';
import { deadLetteredSince, depthsOf, drainAll, drainLeftovers } from '../lib/settle';
import { median } from '../lib/stats';
import { sesWatcher } from '../lib/ses-store';
import * as setup from './eta-setup';
import { emailCheck, sleep } from './holds-setup';

const SCENARIO = 'eta';
const WAITING = 10_000;
const QUICK_WAITING = 1_000;
/** The bench's debounce window and scheduler tick (the shop's: 600 s and a minute). */
const DEBOUNCE_SECONDS = 5;
const TICK_MS = 1_000;
const TIMEOUT_MS = 900_000;
const POLL_MS = 1_000;
/** The email queue empty and nothing new for this long: the wait ends, the rest counts as missing. */
const STALL_SECONDS = 30;
const SETTLE_TIMEOUT_MS = 120_000;
const WORK_QUEUES = ['email', 'feedback'] as const satisfies readonly QueueName[];

const spaced = (n: number) => n.toLocaleString('en').replace(/,/g, ' ');
const perEmail = (n: number, count: number) => (n / Math.max(1, count)).toFixed(2);
const topCommands = (c: FunctionCounts, count: number, n = 7) =>
  Object.entries(c.commands)
    .slice(0, n)
    .map(([name, k]) => `${name} ${perEmail(k, count)}`)
    .join(', ');

export const etaScenario: Scenario = {
  name: SCENARIO,
  description:
    `${spaced(WAITING)} shoppers waiting for one product, one new expected date: save to the last email ` +
    `(window ${DEBOUNCE_SECONDS} s, tick ${TICK_MS / 1000} s), each shopper told once`,
  run: async (context) => {
    const stack = await context.stack();
    if (context.options.queueConcurrency === 0) {
      say('skipped: --queue-concurrency 0 runs no sender');
      return [];
    }
    const count = context.options.quick ? QUICK_WAITING : WAITING;
    const run = randomBytes(4).toString('hex');
    const product = { sku: `BENCH-ETA-${run}`.toUpperCase(), name: `Bench ETA ${run}` };
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
      { sweepEtaChanges, ETA_PAGE_SIZE },
      { enqueueEmails },
    ] = await Promise.all([
      import('../../lambdas/runtime/dynamo'),
      import('../../lambdas/runtime/sqs'),
      import('../../lambdas/runtime/ses'),
      import('../../lambdas/use-cases/eta-updates'),
      import('../../lambdas/store/email-queue'),
    ]);
    const productItem = async () =>
      (
        await dynamo.send(
          new GetCommand({ TableName: tableNames.products, Key: { sku: product.sku }, ConsistentRead: true }),
        )
      ).Item;
    // The platform runs in this process and reads its configuration when it needs it: the admin function's
    // next save opens a window of this length (what the runner's `environment` option would set at start).
    const debounceBefore = process.env.ETA_DEBOUNCE_SECONDS;
    process.env.ETA_DEBOUNCE_SECONDS = String(DEBOUNCE_SECONDS);
    const requests = countRequestsByFunction([handlerDynamo, handlerSqs, handlerSes]);
    const runner = countOtherSqsClients([handlerSqs, stack.clients.sqs], stack.prefix);
    let ticker: ReturnType<typeof setup.startTicks> | undefined;
    try {
      // 1. Set-up (timed, not measured).
      const dates = setup.etaDates();
      const started = performance.now();
      const rows = await setup.seedWaiting(stack, dynamo, product, run, count, dates);
      const seedSeconds = (performance.now() - started) / 1000;
      say(
        `seeded ${spaced(count)} waiting backorders on ${product.sku} in ${seedSeconds.toFixed(1)} s (not ` +
          `measured): half signed up under ${dates.early}, half under ${dates.late} (the product's date)`,
      );
      await drainLeftovers(stack, queueUrls, Object.keys(queues) as QueueName[], say);
      const deadBefore = await depthsOf(
        stack,
        WORK_QUEUES.map((q) => deadLetterQueueUrls[q]),
      );
      // Earlier emails are all stored: the watched window starts after them (the store counts seconds).
      await sleep(1_100);

      // 2. Measure: the save, the window, the scheduler's sweep and fan-out, the sender.
      const expected = new Set(rows.map((b) => b.email.toLowerCase()));
      const watcher = sesWatcher(
        stack.endpoints.ses,
        (email) => email.subject.includes(product.name),
        Math.floor(Date.now() / 1000),
      );
      const pages: { sending: number; at: number; messages: number }[] = [];
      // The sweep's own enqueue, timed: when each page's messages are handed over and when they are queued.
      const enqueue = async (messages: readonly EmailMessage[]) => {
        const sending = performance.now();
        await enqueueEmails(messages);
        pages.push({ sending, at: performance.now(), messages: messages.length });
      };
      const sweep = () =>
        nameInvocations('scheduler', () => sweepEtaChanges(Date.now(), { enqueue }))(
          undefined,
          {} as Context,
        ) as ReturnType<typeof sweepEtaChanges>;
      const label = 'bench process (platform)';
      const cpu = new CpuAccount(label);
      requests.start();
      runner.start();
      cpu.start();
      const t0 = performance.now();
      const t0Wall = Date.now();
      const elapsed = (at = performance.now()) => (at - t0) / 1000;
      await stack.admin(
        'PUT',
        `/api/admin/products/${product.sku}`,
        setup.productBody(product.name, dates.next),
      );
      const saveSeconds = elapsed();
      const window = (await productItem())?.etaWindow as { version: number; until: string } | undefined;
      if (!window) throw new Error('the save opened no window');
      const windowEnds = (Date.parse(window.until) - t0Wall) / 1000;
      say(
        `saved ${dates.late} → ${dates.next} in ${(saveSeconds * 1000).toFixed(0)} ms; the window ` +
          `(ETA_DEBOUNCE_SECONDS=${DEBOUNCE_SECONDS}) ends ${windowEnds.toFixed(1)} s after the save; the ` +
          `scheduler's expected-date sweep ticks every ${TICK_MS / 1000} s; email queue: ` +
          `${queues.email.maxConcurrency} pollers, batches of ${queues.email.batchSize}`,
      );
      ticker = setup.startTicks(sweep, TICK_MS);
      const queuedSoFar = () => pages.reduce((sum, p) => sum + p.messages, 0);
      let fanoutDoneAt: number | undefined;
      let firstEmail: number | undefined;
      let lastEmail: number | undefined;
      const timeline: { seconds: number; queued: number; emails: number; emailQueue: number }[] = [];
      let lastProgress = { total: 0, seconds: 0 };
      let stalled = false;
      let timedOut = false;
      while (lastEmail === undefined) {
        const tickError = ticker.ticks.find((t) => t.error)?.error;
        if (tickError) throw new Error(`the expected-date sweep failed: ${tickError}`);
        if (elapsed() * 1000 > TIMEOUT_MS) {
          timedOut = true;
          break;
        }
        await sleep(POLL_MS);
        const [, emailQueue] = await Promise.all([watcher.poll(), stack.queueDepth(queueUrls.email)]);
        const reached = [...watcher.perRecipient.keys()].filter((to) => expected.has(to)).length;
        if (reached > 0 && firstEmail === undefined) firstEmail = elapsed();
        if (reached >= count) lastEmail = elapsed();
        // The fan-out is done once the sweeps that ran it have returned every message: the ticks stop, so the
        // scheduler's count holds the fan-out and the idle ticks of the window only.
        const working = ticker.ticks.filter((t) => (t.queued ?? 0) > 0);
        if (fanoutDoneAt === undefined && working.reduce((sum, t) => sum + (t.queued ?? 0), 0) >= count) {
          fanoutDoneAt = elapsed(working.at(-1)?.endedAt);
          await ticker.stop();
        }
        const total = queuedSoFar() + reached;
        if (total > lastProgress.total || emailQueue > 0 || fanoutDoneAt === undefined)
          lastProgress = { total, seconds: elapsed() };
        else if (elapsed() - lastProgress.seconds > STALL_SECONDS) {
          stalled = true;
          break;
        }
        timeline.push({
          seconds: Math.round(elapsed() * 10) / 10,
          queued: queuedSoFar(),
          emails: reached,
          emailQueue,
        });
        if (timeline.length % 10 === 0)
          say(
            `  ${elapsed().toFixed(0)} s: ${queuedSoFar()} queued in ${pages.length} pages, ${reached} ` +
              `shoppers emailed; email queue ${emailQueue}`,
          );
      }
      const windowSeconds = elapsed();
      cpu.stop();
      await ticker.stop();

      // 3. Let the queues empty, then check once more: a duplicate comes from work done twice.
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
      const emails = emailCheck(watcher.perRecipient, expected);
      const rowsCheck = await setup.outcome(stack, dynamo, rows, window.version, dates.next);
      const after = await productItem();
      const history = (after?.etaHistory ?? []) as { date: string | null; at: string }[];
      const announced = history.at(-1);
      const announcedSeconds =
        announced?.date === dates.next ? (Date.parse(announced.at) - t0Wall) / 1000 : Number.NaN;
      const onceEach =
        count -
        emails.missing -
        [...watcher.perRecipient].filter(([to, n]) => expected.has(to) && n > 1).length;
      const duplicates = emails.duplicates + emails.strangers;

      // 4. Report.
      const withMessages = pages.filter((p) => p.messages > 0);
      const firstPage = withMessages.length ? elapsed(withMessages[0].at) : Number.NaN;
      const lastPage = withMessages.length ? elapsed(withMessages.at(-1)!.at) : Number.NaN;
      const lastEmailSeconds = lastEmail ?? Number.NaN;
      // A page's time, from the one before (the first: from the announcement), and its SendMessageBatch part.
      const pageMs = withMessages.map((p, i) =>
        i === 0 ? (elapsed(p.at) - announcedSeconds) * 1000 : p.at - withMessages[i - 1].at,
      );
      const enqueueMs = withMessages.map((p) => p.at - p.sending);
      const cpuReport = cpu.report();
      const cpuMs = cpuPerRequest(cpuReport, count);
      const all = Object.values(byFunction);
      const totalRequests = all.reduce((sum, c) => sum + c.total, 0);
      const of = (name: string) => byFunction[name] ?? noRequests();
      const ticks = ticker.ticks.length;
      say(
        `window ends ${windowEnds.toFixed(1)} s after the save, the date announced at ${announcedSeconds.toFixed(1)} s; ` +
          `${queuedSoFar()} messages queued in ${withMessages.length} pages of up to ${ETA_PAGE_SIZE}, ` +
          `first at ${firstPage.toFixed(1)} s, last at ${lastPage.toFixed(1)} s (fan-out: ` +
          `${(lastPage - windowEnds).toFixed(1)} s from the window's end, ${(lastPage - announcedSeconds).toFixed(1)} s ` +
          `from the announcement); ${ticks} ticks`,
      );
      say(
        `a page: first ${pageMs[0]?.toFixed(0)} ms, median ${median(pageMs).toFixed(0)} ms, slowest ` +
          `${Math.max(...pageMs).toFixed(0)} ms; of which queuing its ${ETA_PAGE_SIZE / 10} SendMessageBatch: ` +
          `median ${median(enqueueMs).toFixed(0)} ms (the sender's requests go first locally)`,
      );
      say(
        `first email at ${firstEmail?.toFixed(1) ?? 'n/a'} s, all ${count} at ${lastEmailSeconds.toFixed(1)} s ` +
          `after the save (read every ${POLL_MS / 1000} s)` +
          (timedOut || stalled
            ? ` (${stalled ? `stalled: queue empty, nothing new for ${STALL_SECONDS} s` : 'timed out'} at ` +
              `${windowSeconds.toFixed(0)} s)`
            : '') +
          `; ${onceEach} shoppers emailed once, ${emails.duplicates} duplicates, ${emails.strangers} to ` +
          `others, ${emails.missing} missing; ${rowsCheck.asked} asked to keep or cancel, ` +
          `${rowsCheck.askedWrongly} asked wrongly, ${rowsCheck.notRecorded} not recorded as told; ` +
          `${stillQueued} still queued, ${deadLettered} dead-lettered`,
      );
      say(
        `AWS requests per email: ${perEmail(totalRequests, count)} (${Object.entries(byFunction)
          .map(([n, c]) => `${n} ${perEmail(c.total, count)}`)
          .join(', ')})`,
      );
      for (const [name, c] of Object.entries(byFunction))
        say(
          `  ${name}: ${perEmail(c.total, count)} per email (${topCommands(c, count)})` +
            (c.queryItems ? `; Query items ${perEmail(c.queryItems, count)}` : '') +
            (c.retries ? `; ${c.retries} SDK retries` : '') +
            (Object.keys(c.failures).length ? `; failed: ${JSON.stringify(c.failures)}` : ''),
        );
      say(`event-source polling (Lambda's on AWS): ${perEmail(polling.total, count)} per email`);
      say(`CPU, save to the last email: ${formatCpu(cpuReport)}`);
      say(
        `  CPU ms per email: ${Object.entries(cpuMs)
          .filter(([, v]) => v >= 0.05)
          .map(([k, v]) => `${k} ${v.toFixed(2)}`)
          .join(', ')}`,
      );

      context.detail('plan', {
        waiting: count,
        sku: product.sku,
        dates,
        debounceSeconds: DEBOUNCE_SECONDS,
        tickSeconds: TICK_MS / 1000,
        pageSize: ETA_PAGE_SIZE,
      });
      context.detail('setup', { seedSeconds });
      context.detail('progress', {
        saveSeconds,
        windowEnds,
        announcedSeconds,
        firstPage,
        lastPage,
        fanoutDoneAt,
        firstEmail,
        lastEmail,
        timedOut,
        stalled,
        windowSeconds,
        ticks: ticker.ticks.map((t) => ({
          ...t,
          startedAt: elapsed(t.startedAt),
          endedAt: t.endedAt && elapsed(t.endedAt),
        })),
        pages: pages.map((p) => ({
          seconds: elapsed(p.at),
          enqueueMs: p.at - p.sending,
          messages: p.messages,
        })),
        timeline,
      });
      context.detail('checks', { ...emails, onceEach, ...rowsCheck, stillQueued, deadLettered });
      context.detail('requests', { byFunction, polling });
      context.detail('cpu', { report: cpuReport, cpuMsPerEmail: cpuMs });

      const figure = figuresOf(SCENARIO);
      const settled = stillQueued === 0;
      const zero = { op: '<=' as const, value: 0 };
      const short = `window ${DEBOUNCE_SECONDS} s, tick ${TICK_MS / 1000} s`;
      return [
        figure(`save to the last of ${count} emails`, lastEmailSeconds, 's', {
          note: `${short}; SES store read every ${POLL_MS / 1000} s`,
        }),
        figure('emails per second, window end to last', count / (lastEmailSeconds - windowEnds), '/s'),
        figure('fan-out: window end to the last page queued', lastPage - windowEnds, 's', {
          note: `${withMessages.length} pages; announced ${(announcedSeconds - windowEnds).toFixed(1)} s after the window's end`,
        }),
        figure('fan-out: announcement to the last page queued', lastPage - announcedSeconds, 's', {
          note: `a page: first ${pageMs[0]?.toFixed(0)} ms, median ${median(pageMs).toFixed(0)} ms`,
        }),
        figure('shoppers emailed exactly once', onceEach, '', {
          target: { op: '>=', value: count },
          required: settled || deadLettered > 0,
        }),
        figure('duplicates (repeats and emails to others)', duplicates, '', { target: zero, required: true }),
        figure('missing emails', emails.missing, '', { target: zero, required: settled || deadLettered > 0 }),
        figure('backorders not recorded as told', rowsCheck.notRecorded, '', { target: zero }),
        figure('asked wrongly (slip rule)', rowsCheck.askedWrongly, '', {
          target: zero,
          note: `${rowsCheck.asked} asked`,
        }),
        figure('AWS requests per email (all handlers)', totalRequests / count, '', {
          note: Object.entries(byFunction)
            .map(([n, c]) => `${n} ${perEmail(c.total, count)}`)
            .join(', '),
        }),
        figure('sender requests per email', of('sender').total / count, '', {
          note: topCommands(of('sender'), count, 5),
        }),
        figure('fan-out (scheduler) requests per email', of('scheduler').total / count, '', {
          note: `${ticks} ticks; ${topCommands(of('scheduler'), count, 4)}`,
        }),
        figure('bench-process CPU per email', cpuMs[label] ?? Number.NaN, 'ms'),
        figure('DynamoDB Local CPU per email', cpuMs['DynamoDB Local'] ?? Number.NaN, 'ms'),
        figure('other processes on the machine', cpuReport.othersPercent, '% of a core'),
      ];
    } finally {
      await ticker?.stop();
      if (debounceBefore === undefined) delete process.env.ETA_DEBOUNCE_SECONDS;
      else process.env.ETA_DEBOUNCE_SECONDS = debounceBefore;
      requests.remove();
      runner.restore();
      dynamo.destroy();
    }
  },
};
