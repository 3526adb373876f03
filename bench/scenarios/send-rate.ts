/**
 * The SES rate used fully (lambdas/domain/send-rate.ts): with the stack paced to RATE emails a second, a
 * nurture step falls due for N shoppers, a restock of N units for N others arrives a few seconds later, and a
 * trickle of signups (2 a second) wants confirmations throughout. Transactional email and alerts should take
 * what they need first, nurture every unit left, so the total stays at the rate while there is work.
 *
 * Seeding (timed, not measured) writes the nurture scenario's rows (nurture-setup.ts) and the restock
 * scenario's waiting backorders (restock-setup.ts) straight to the tables, on three SKUs of the run's own.
 * The rate is set on the shared stack for this run only (`setEmailSendRate`; the handlers read it at each
 * send) and put back to 0 after it.
 *
 * Measured, from the sweep: the SES store is polled every second and every email counted by kind in the
 * second the store took it; the total as a share of the rate over the whole seconds in which there was work
 * (from the first email to the last alert or nurture step); each alert's delay from the webhook and each
 * confirmation's from its signup (store times are whole seconds); each recipient's emails (duplicates and
 * missing: required 0). The scheduler's nurture sweep runs every 10 s as a scheduler would: a sweep that
 * queues one of the run's steps again means a lease ran out while the step waited its turn (required 0).
 * The leases themselves are read once after the first sweep, and each compared with its step's send.
 */
import { benchDocumentClient } from '../lib/stack';
import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import { randomBytes } from 'node:crypto';
import { queues, sendRateFloor, type QueueName } from '../../lib/platform';
import { batchWrite, waitingBackorders } from '../../test/support/backorder-rows';
import { figuresOf } from '../lib/report';
import { say, type Scenario } from '../lib/scenario';
import { drainLeftovers } from '../lib/settle';
import { recipientsOf, sesWatcher } from '../lib/ses-store';
import { seed as seedNurture, seedRows } from './nurture-setup';
import { seedProduct, signedWebhook } from './restock-setup';

const SCENARIO = 'send-rate';
/**
 * What this machine can send with allocation, nurture, signups and the emulators on its two cores (bench
 * README); BENCH_SEND_RATE sets another, for a machine that is busy with other work.
 */
const RATE = Number(process.env.BENCH_SEND_RATE) > 0 ? Number(process.env.BENCH_SEND_RATE) : 40;
const SHOPPERS = 2_000;
const QUICK_SHOPPERS = 500;
const SIGNUPS_PER_SECOND = 2;
const RESTOCK_AFTER_MS = 3_000;
const SWEEP_EVERY_MS = 10_000;
const POLL_MS = 1_000;
const TIMEOUT_MS = 300_000;
const SETTLE_TIMEOUT_MS = 60_000;
const TARGET_USE = 90;
const SENDING: QueueName[] = ['email', 'alert', 'nurture'];
type Kind = 'alert' | 'nurture' | 'confirmation';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : Number.NaN;
};

export const sendRateScenario: Scenario = {
  name: SCENARIO,
  description:
    `paced at ${RATE}/s: a restock of ${SHOPPERS} alerts during a nurture step of ${SHOPPERS} and signups; ` +
    `total ≥ ${TARGET_USE}% of the rate while there is work, no step queued twice`,
  run: async (context) => {
    const stack = await context.stack();
    if (context.options.queueConcurrency === 0) {
      say('skipped: --queue-concurrency 0 runs no email consumers');
      return [];
    }
    const count = context.options.quick ? QUICK_SHOPPERS : SHOPPERS;
    const run = randomBytes(4).toString('hex');
    const nurtureSku = `BENCH-PACED-NURTURE-${run}`.toUpperCase();
    const restockSku = `BENCH-PACED-RESTOCK-${run}`.toUpperCase();
    const signupSku = `BENCH-PACED-SIGNUP-${run}`.toUpperCase();
    const campaignId = `bench-paced-${run}`;
    const { tableNames, queueUrls, deadLetterQueueUrls } = stack.platform;
    const dynamo = benchDocumentClient(stack);
    const kindOf = new Map<string, Kind>();
    try {
      // 1. Seed (timed, not measured), unpaced.
      const seedStarted = performance.now();
      await seedNurture(stack, count, run, nurtureSku, campaignId);
      await stack.drain(queueUrls.enrolment, 30_000);
      await seedProduct(stack, restockSku, run);
      await stack.admin('PUT', `/api/admin/products/${signupSku}`, {
        name: `Bench paced signups ${run}`,
        backorders: { enabled: true },
      });
      const dueMinuteMs = Math.floor(Date.now() / 60_000) * 60_000 - 60_000;
      const nurtureRows = seedRows(count, run, nurtureSku, campaignId, dueMinuteMs);
      const restockRows = waitingBackorders(restockSku, new Array<number>(count).fill(1), {
        label: `paced-${run}`,
      });
      await batchWrite(
        dynamo,
        tableNames.backorders,
        [...nurtureRows.backorders, ...restockRows.map((b) => b.row)],
        8,
      );
      await batchWrite(dynamo, tableNames.enrolments, nurtureRows.enrolments, 8);
      for (const email of nurtureRows.emails) kindOf.set(email.toLowerCase(), 'nurture');
      for (const b of restockRows) kindOf.set(b.email.toLowerCase(), 'alert');
      say(
        `seeded ${count} consenting shoppers of ${nurtureSku} due a step of ${campaignId}, and ${count} ` +
          `waiting on ${restockSku} (stock 0) in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s (not measured)`,
      );
      await drainLeftovers(stack, queueUrls, Object.keys(queues) as QueueName[], say);
      const deadBefore = await Promise.all(SENDING.map((q) => stack.queueDepth(deadLetterQueueUrls[q])));

      // 2. Measure.
      stack.setEmailSendRate(RATE);
      const { sweepDueSteps } = await import('../../lambdas/use-cases/sweep-nurture');
      const { sendRateNow } = await import('../../lambdas/use-cases/send-rate');
      const allowed = new Map<number, number>();
      const perSecond = new Map<number, Record<Kind, number>>();
      const storedAt = new Map<string, number>();
      const watcher = sesWatcher(
        stack.endpoints.ses,
        (email) => recipientsOf(email).some((to) => kindOf.has(to)),
        Math.floor(Date.now() / 1000),
        (email) => {
          const to = recipientsOf(email).find((address) => kindOf.has(address))!;
          const bin = (perSecond.get(email.at) ??
            perSecond.set(email.at, { alert: 0, nurture: 0, confirmation: 0 }).get(email.at))!;
          bin[kindOf.get(to)!]++;
          if (!storedAt.has(to)) storedAt.set(to, email.at * 1000);
        },
      );
      say(
        `paced at ${RATE}/s: one sweep now, a restock webhook of ${count} units after ${RESTOCK_AFTER_MS / 1000} s, ` +
          `${SIGNUPS_PER_SECOND} signups/s until the alerts and steps are out; a sweep every ${SWEEP_EVERY_MS / 1000} s, ` +
          `the SES store every ${POLL_MS / 1000} s`,
      );
      const started = Date.now();
      const elapsed = () => (Date.now() - started) / 1000;
      const first = await sweepDueSteps(Date.now());
      const sweptSeconds = elapsed();
      // The leases the sweep set: its claim on each due-index shard (lambdas/store/swept-ranges.ts), for the
      // steps not sent yet (a sent step's sequence has moved on, out of the shard it was due in).
      const shardOf = new Map<string, string>();
      for (let i = 0; i < nurtureRows.backorders.length; i += 100) {
        const keys = nurtureRows.backorders.slice(i, i + 100).map((b) => ({ backorderId: b.id, campaignId }));
        const { Responses = {} } = await dynamo.send(
          new BatchGetCommand({ RequestItems: { [tableNames.enrolments]: { Keys: keys } } }),
        );
        for (const item of Responses[tableNames.enrolments] ?? [])
          if (item.state === 'active' && item.nextStepIndex === 0 && typeof item.dueBucket === 'string')
            shardOf.set(String(item.backorderId), item.dueBucket);
      }
      const shards = [...new Set(shardOf.values())];
      const claims = new Map<string, number>();
      for (let i = 0; i < shards.length; i += 100) {
        const keys = shards.slice(i, i + 100).map((shard) => ({ key: `sweep#nurture#${shard}` }));
        const { Responses = {} } = await dynamo.send(
          new BatchGetCommand({ RequestItems: { [tableNames.ledger]: { Keys: keys } } }),
        );
        for (const item of Responses[tableNames.ledger] ?? [])
          claims.set(String(item.key).slice('sweep#nurture#'.length), Number(item.leaseUntil));
      }
      const leaseOf = new Map<string, number>();
      for (const [backorderId, shard] of shardOf)
        if (claims.has(shard)) leaseOf.set(backorderId, claims.get(shard)!);
      let requeued = 0;
      let sweeps = 1;
      const sweeper = setInterval(() => {
        sweeps++;
        void sweepDueSteps(Date.now()).then(
          (report) => (requeued += report.queued),
          () => undefined,
        );
      }, SWEEP_EVERY_MS);

      const webhookAt = started + RESTOCK_AFTER_MS;
      let webhookStatus = 0;
      const restock = sleep(Math.max(0, webhookAt - Date.now())).then(async () => {
        const response = await signedWebhook(
          stack,
          JSON.stringify({ eventId: `paced-${run}`, sku: restockSku, available: count }),
        );
        webhookStatus = response.status;
      });
      const signups: { email: string; at: number; status: number }[] = [];
      let signing = true;
      const trickle = (async () => {
        for (let n = 0; signing; n++) {
          const email = `paced-signup-${n}.${run}@bench.example`;
          kindOf.set(email, 'confirmation');
          const at = Date.now();
          const response = await fetch(`${stack.url}/api/backorders`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ sku: signupSku, email, quantity: 1 }),
          }).catch(() => undefined);
          signups.push({ email, at, status: response?.status ?? 0 });
          await sleep(Math.max(0, at + 1000 / SIGNUPS_PER_SECOND - Date.now()));
        }
      })();
      const sentOf = (kind: Kind) => [...storedAt.keys()].filter((to) => kindOf.get(to) === kind).length;
      let timedOut = false;
      while (sentOf('alert') < count || sentOf('nurture') < count) {
        if (Date.now() - started > TIMEOUT_MS) {
          timedOut = true;
          break;
        }
        await sleep(POLL_MS);
        // What the pacers allowed the queues with work, against what went out: on a busy machine the
        // platform, not the pacing, may be what holds the total under the rate.
        const [, depths, rates] = await Promise.all([
          watcher.poll(),
          Promise.all(SENDING.map((q) => stack.queueDepth(queueUrls[q]))),
          Promise.all(SENDING.map((q) => sendRateNow(q))),
        ]);
        allowed.set(
          Math.floor(Date.now() / 1000),
          rates.reduce((sum, rate, i) => sum + (depths[i] > 0 ? rate : 0), 0),
        );
      }
      const workSeconds = elapsed();
      signing = false;
      await Promise.all([trickle, restock]);
      clearInterval(sweeper);
      // The last confirmations, then every sending queue empty: only then are duplicates counted.
      let left = 0;
      for (const queue of SENDING) left += (await stack.drain(queueUrls[queue], SETTLE_TIMEOUT_MS)).left;
      await watcher.poll();
      stack.setEmailSendRate(0);
      const deadLettered = (
        await Promise.all(SENDING.map((q) => stack.queueDepth(deadLetterQueueUrls[q])))
      ).reduce((sum, n, i) => sum + n - deadBefore[i], 0);

      // 3. Figures.
      const seconds = [...perSecond.keys()].sort((a, b) => a - b);
      const lastWork = Math.max(
        ...[...storedAt.entries()]
          .filter(([to]) => kindOf.get(to) !== 'confirmation')
          .map(([, ms]) => ms / 1000),
      );
      // Whole seconds only: the first and the last are partly before and after the work.
      const window = seconds.filter((s) => s > seconds[0] && s < lastWork);
      const totalOf = (s: number) => Object.values(perSecond.get(s) ?? {}).reduce((a, b) => a + b, 0);
      const sentInWindow = window.reduce((sum, s) => sum + totalOf(s), 0);
      const use = window.length ? (100 * sentInWindow) / (window.length * RATE) : Number.NaN;
      const lowest = window.length ? Math.min(...window.map(totalOf)) : Number.NaN;
      const pacedInWindow = window.flatMap((s) => (allowed.has(s) ? [allowed.get(s)!] : []));
      const pacedUse =
        (100 * pacedInWindow.reduce((a, b) => a + b, 0)) / Math.max(1, pacedInWindow.length * RATE);
      say(
        `per second (SES store time), from the sweep: alerts / nurture / confirmations = total (% of ${RATE}/s)`,
      );
      for (let i = 0; i < seconds.length; i += 5) {
        const slice = seconds.slice(i, i + 5);
        const row = slice.map((s) => {
          const bin = perSecond.get(s)!;
          return `${bin.alert}/${bin.nurture}/${bin.confirmation}`;
        });
        const sum = slice.reduce((a, s) => a + totalOf(s), 0);
        const paced = slice.flatMap((s) => (allowed.has(s) ? [allowed.get(s)!] : []));
        const allowedPercent = (100 * paced.reduce((a, b) => a + b, 0)) / Math.max(1, paced.length * RATE);
        say(
          `  ${String(slice[0] - Math.floor(started / 1000)).padStart(4)} s: ${row.join('  ')}  ` +
            `(${((100 * sum) / (slice.length * RATE)).toFixed(0)}%; paced to ${allowedPercent.toFixed(0)}%)`,
        );
      }
      const alertDelays = restockRows.flatMap((b) => {
        const at = storedAt.get(b.email.toLowerCase());
        return at === undefined ? [] : [(at - webhookAt) / 1000];
      });
      const confirmationDelays = signups.flatMap((s) => {
        const at = storedAt.get(s.email);
        return at === undefined ? [] : [(at - s.at) / 1000];
      });
      const signedUp = new Set(signups.filter((s) => s.status === 201).map((s) => s.email));
      const expected = new Set(
        [...kindOf.keys()].filter((to) => kindOf.get(to) !== 'confirmation' || signedUp.has(to)),
      );
      let duplicates = 0;
      let strangers = 0;
      for (const [to, n] of watcher.perRecipient) {
        if (expected.has(to)) duplicates += n - 1;
        else strangers += n;
      }
      const missing = [...expected].filter((to) => !watcher.perRecipient.has(to)).length;
      const failedSignups = signups.filter((s) => s.status !== 201).length;
      const slack = nurtureRows.backorders.flatMap((b, i) => {
        const lease = leaseOf.get(String(b.id));
        const sent = storedAt.get(nurtureRows.emails[i].toLowerCase());
        return lease === undefined || sent === undefined ? [] : [(lease - sent) / 60_000];
      });
      const leaseMinutes = [...leaseOf.values()].map((lease) => (lease - started) / 60_000);
      const nurtureFloor = sendRateFloor(queues.nurture);

      say(
        `${timedOut ? 'TIMED OUT: ' : ''}alerts and steps out ${workSeconds.toFixed(0)} s after the sweep (${first.queued} steps queued in ` +
          `${sweptSeconds.toFixed(1)} s; webhook answered ${webhookStatus}); total ${use.toFixed(1)}% of ${RATE}/s over ` +
          `${window.length} whole seconds of work (lowest second ${lowest}); the pacers allowed ${pacedUse.toFixed(1)}%`,
      );
      say(
        `alerts: webhook to each alert p50 ${quantile(alertDelays, 0.5).toFixed(0)} s, last ${Math.max(...alertDelays).toFixed(0)} s ` +
          `(${count} at the whole rate less nurture's floor of ${nurtureFloor.toFixed(2)}/s: ${(count / (RATE - nurtureFloor)).toFixed(0)} s)`,
      );
      say(
        `confirmations (${signups.length} signups, ${failedSignups} failed): signup to email p50 ${quantile(confirmationDelays, 0.5).toFixed(1)} s, ` +
          `p95 ${quantile(confirmationDelays, 0.95).toFixed(1)} s, max ${Math.max(...confirmationDelays).toFixed(1)} s (±1 s: store times are whole seconds)`,
      );
      say(
        `leases read on ${leaseOf.size} steps not yet sent after the sweep: ${Math.min(...leaseMinutes).toFixed(1)}–` +
          `${Math.max(...leaseMinutes).toFixed(1)} min; least time left when sent ${Math.min(...slack).toFixed(1)} min; ` +
          `${sweeps - 1} later sweeps queued ${requeued} steps again`,
      );
      say(
        `each once? ${duplicates} duplicates, ${missing} missing, ${strangers} unexpected; ${left} left queued, ${deadLettered} dead-lettered`,
      );
      context.detail('plan', {
        rate: RATE,
        shoppers: count,
        signupsPerSecond: SIGNUPS_PER_SECOND,
        campaignId,
      });
      context.detail(
        'perSecond',
        seconds.map((s) => ({
          second: s - Math.floor(started / 1000),
          ...perSecond.get(s),
          allowed: allowed.get(s),
        })),
      );
      context.detail('delays', { alerts: alertDelays, confirmations: confirmationDelays });
      context.detail('leases', { minutesFromSweep: leaseMinutes, slackMinutes: slack, sweeps, requeued });

      const figure = figuresOf(SCENARIO);
      const drained = left === 0;
      return [
        figure(`total sends while there is work, % of ${RATE}/s`, use, '%', {
          target: { op: '>=', value: TARGET_USE },
          note: `${window.length} whole seconds; lowest second ${lowest}`,
        }),
        figure('what the pacers allowed the queues with work, % of the rate', pacedUse, '%', {
          target: { op: '>=', value: TARGET_USE },
          note: 'sampled every second: when it is met and the total is not, the machine was the limit',
        }),
        figure('restock webhook to last alert', Math.max(...alertDelays), 's'),
        figure('signup to confirmation, p95', quantile(confirmationDelays, 0.95), 's', {
          target: { op: '<=', value: 5 },
        }),
        figure('nurture steps queued twice', requeued, '', {
          target: { op: '<=', value: 0 },
          required: true,
        }),
        figure('least lease time left when a step was sent', Math.min(...slack), 'min', {
          target: { op: '>=', value: 0 },
        }),
        figure('duplicate emails', duplicates + strangers, '', {
          target: { op: '<=', value: 0 },
          required: true,
        }),
        figure('missing emails', missing, '', {
          target: { op: '<=', value: 0 },
          required: drained || deadLettered > 0,
        }),
      ];
    } finally {
      stack.setEmailSendRate(0);
      dynamo.destroy();
    }
  },
};
