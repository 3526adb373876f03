/**
 * A place in a hot product's queue costs the same at any depth (tickets, pages and sealed books:
 * lambdas/store/queue-store.ts). For each depth (0, 10 000, 100 000, and 1 000 000 with `--large`) a fresh SKU
 * with that many shoppers already waiting, seeded as the platform stores them (test/support/ticketed-queue.ts:
 * backorder rows with tickets, page sets, sealed books and the summary); then, through the HTTP API, one at a
 * time from the load generator, N signups on each SKU and N status reads of the shopper at the back of each
 * queue, and N console lists of each product's oldest 50 waiting: latency p50/p99 and the AWS requests of
 * each call (only the API functions' invocations, counted by an SDK middleware: bench/lib/invocations.ts),
 * side by side with their ratio to depth 0. The depths take turns in
 * rounds, after every SKU is seeded, so each sees the same machine and the same DynamoDB Local.
 *
 * Every answered place is checked against the tickets stored (a signup's: the seeded depth, plus the earlier
 * signups with lower tickets, plus one; the reads of the back of the queue: D + N): a wrong one makes the run
 * invalid. Then a burst of signups on one fresh SKU (queue-depth-burst.ts).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { randomBytes } from 'node:crypto';
import { pagesToRead } from '../../lambdas/domain/queue-tickets';
import { ticketedQueue, writeTicketedQueue } from '../../test/support/ticketed-queue';
import { CpuAccount, formatCpu } from '../lib/cpu';
import { countFunctionRequests, type FunctionRequests } from '../lib/invocations';
import { startLoadGenerator, type LoadGenerator, type LoadJob, type LoadSample } from '../lib/load';
import {
  drainEmails,
  listedIn,
  positionIn,
  seedProduct,
  seedSettings,
  shopperAnswered,
  spaced,
  ticketsOf,
  type Shopper,
} from '../lib/shoppers';
import { figuresOf, type Figure } from '../lib/report';
import { say, type Scenario } from '../lib/scenario';
import { summarize, type LatencySummary } from '../lib/stats';
import { runBurst } from './queue-depth-burst';

const SCENARIO = 'queue-depth';
const DEPTHS = [0, 10_000, 100_000];
const LARGE_DEPTH = 1_000_000;
const CALLS = 400;
const QUICK_CALLS = 100;
const ROUNDS = 4;
const QUICK_ROUNDS = 2;
const WARM_UP_CALLS = 100;
const TARGET_LATENCY_RATIO = 1.2;
/** Shards of a console list read twice (more than their share of the page) beyond depth 0's. */
const LIST_SHARD_REREADS = 4;
const SEED_PARALLEL = 8;

const addRequests = (a: FunctionRequests, b: FunctionRequests): FunctionRequests => {
  const byCommand = { ...a.byCommand };
  for (const [name, n] of Object.entries(b.byCommand)) byCommand[name] = (byCommand[name] ?? 0) + n;
  return {
    byCommand,
    ticket: a.ticket + b.ticket,
    dynamodb: a.dynamodb + b.dynamodb,
    sqs: a.sqs + b.sqs,
    total: a.total + b.total,
    retries: a.retries + b.retries,
  };
};

const noRequests: FunctionRequests = { byCommand: {}, ticket: 0, dynamodb: 0, sqs: 0, total: 0, retries: 0 };

interface Calls {
  samples: LoadSample[];
  requests: FunctionRequests;
}

interface Depth {
  depth: number;
  sku: string;
  seedSeconds: number;
  signups: Calls;
  reads: Calls;
  lists: Calls;
  /** The place each signup should have answered (by the tickets). */
  signupPlacesDue: number[];
  back?: Shopper;
  sealedBelow: number;
  /** Page items a place at the back of the queue reads. */
  pagesRead?: number;
}

/** Per call, as `DynamoDB 4.00 (ticket 1.20) + SQS 1.00`, and by command. */
const perCall = (r: FunctionRequests, calls: number) => {
  const f = (n: number) => (n / Math.max(1, calls)).toFixed(2);
  return {
    total: r.total / Math.max(1, calls),
    beyondTicket: (r.total - r.ticket) / Math.max(1, calls),
    ticket: r.ticket / Math.max(1, calls),
    text: `${f(r.total)} = DynamoDB ${f(r.dynamodb)}${r.ticket ? ` (ticket ${f(r.ticket)})` : ''} + SQS ${f(r.sqs)}`,
    commands: Object.entries(r.byCommand)
      .map(([name, n]) => `${name} ${f(n)}`)
      .join(', '),
  };
};

const ms = (value: number) => (Number.isFinite(value) ? `${value.toFixed(1)} ms` : 'n/a');
const times = (value: number) => (Number.isFinite(value) ? `${value.toFixed(2)}×` : 'n/a');

export const queueDepthScenario: Scenario = {
  name: SCENARIO,
  description:
    'signup, status read and console list at the back of queues of 0 / 10 000 / 100 000 shoppers ' +
    '(1 000 000 with --large): ' +
    'same requests, latency within 1.2×; then a burst of 1 000 signups on one SKU',
  run: async (context) => {
    const stack = await context.stack();
    const { quick, large } = context.options;
    const calls = quick ? QUICK_CALLS : CALLS;
    const rounds = quick ? QUICK_ROUNDS : ROUNDS;
    const perRound = Math.ceil(calls / rounds);
    const run = randomBytes(4).toString('hex');
    const dynamo = DynamoDBDocumentClient.from(
      new DynamoDBClient({
        region: 'us-east-1',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        endpoint: stack.endpoints.dynamodb,
      }),
    );
    const [{ dynamo: handlerDynamo }, { sqs: handlerSqs }] = await Promise.all([
      import('../../lambdas/runtime/dynamo'),
      import('../../lambdas/runtime/sqs'),
    ]);
    // The shopper routes' function, and the console's for its list of a product's backorders.
    const counter = countFunctionRequests(['publicApi', 'adminApi'], {
      DynamoDB: handlerDynamo,
      SQS: handlerSqs,
    });
    const generator: LoadGenerator = startLoadGenerator();
    const { backorders, queues } = stack.platform.tableNames;
    try {
      await seedSettings(stack);

      // 1. Seed every depth first (timed, not measured).
      const depths: Depth[] = [];
      for (const depth of large ? [...DEPTHS, LARGE_DEPTH] : DEPTHS) {
        const started = performance.now();
        const sku = `BENCH-QD-${run}-${depth}`.toUpperCase();
        await seedProduct(stack, sku, `Bench queue of ${spaced(depth)}`);
        const queue = ticketedQueue(sku, depth, { label: `qd-${run}-${depth}` });
        await writeTicketedQueue(dynamo, { backorders, queues }, queue, SEED_PARALLEL);
        const seedSeconds = (performance.now() - started) / 1000;
        say(
          `seeded ${sku}: ${spaced(depth)} waiting (backorder rows), ${queue.sealedBelow} sealed books, ` +
            `${spaced(queue.queueItems.length)} queue items in ${seedSeconds.toFixed(1)} s` +
            (depth > 0 ? ` (${((depth + queue.queueItems.length) / seedSeconds).toFixed(0)} items/s)` : ''),
        );
        const empty = () => ({ samples: [], requests: noRequests });
        depths.push({
          depth,
          sku,
          seedSeconds,
          signups: empty(),
          reads: empty(),
          lists: empty(),
          signupPlacesDue: [],
          sealedBelow: queue.sealedBelow,
        });
      }

      // 2. Warm-up (not measured): the JIT, the SDK's sockets, DynamoDB Local's JVM after the seeding.
      let n = 0;
      const oneAtATime = (
        count: number,
        template: Pick<LoadJob, 'method' | 'path' | 'body' | 'headers'>,
      ): LoadJob => ({
        baseUrl: stack.url,
        ...template,
        firstN: n,
        mode: 'closed',
        concurrency: 1,
        warmupMs: 0,
        durationMs: 600_000,
        maxRequests: count,
        recordSamples: true,
        recordBodies: true,
      });
      const signup = (sku: string) => ({
        method: 'POST' as const,
        path: '/api/backorders',
        body: JSON.stringify({ sku, email: `qd-{n}.${run}@bench.example`, quantity: 1 }),
      });
      const read = ({ id, token }: Shopper) => ({
        method: 'GET' as const,
        path: `/api/backorders/${id}?token=${encodeURIComponent(token)}`,
      });
      // The console's first page of a product's waiting backorders (what customer service opens).
      const list = (sku: string) => ({
        method: 'GET' as const,
        path: `/api/admin/backorders?sku=${encodeURIComponent(sku)}&status=waiting&limit=50`,
        headers: { authorization: `Bearer ${stack.adminToken}` },
      });
      const warmSku = `BENCH-QD-${run}-WARM`.toUpperCase();
      await seedProduct(stack, warmSku, 'Bench queue warm-up');
      const warm = await generator.run(oneAtATime(WARM_UP_CALLS, signup(warmSku)));
      n = warm.nextN;
      const warmShopper = shopperAnswered(warm.samples?.[warm.samples.length - 1]);
      if (warmShopper) await generator.run(oneAtATime(WARM_UP_CALLS, read(warmShopper)));
      await generator.run(oneAtATime(WARM_UP_CALLS, list(warmSku)));
      await drainEmails(stack, context);
      say(`warm-up: ${WARM_UP_CALLS} signups and status reads on another SKU (not measured)`);

      // 3. Measure, the depths taking turns: signups, then reads of the shopper at the back of each queue.
      const cpu = new CpuAccount('bench process (gateway, handlers)');
      const measure = async (
        depth: Depth,
        what: 'signups' | 'reads' | 'lists',
        template: Pick<LoadJob, 'method' | 'path' | 'body' | 'headers'>,
      ) => {
        cpu.start();
        counter.start();
        const result = await generator.run(oneAtATime(perRound, template));
        const requests = counter.stop();
        cpu.stop();
        n = result.nextN;
        depth[what].samples.push(...(result.samples ?? []));
        depth[what].requests = addRequests(depth[what].requests, requests);
        await drainEmails(stack, context);
      };
      say(
        `measuring: ${perRound * rounds} signups, then ${perRound * rounds} status reads per depth, one at a time, ` +
          `in ${rounds} rounds of ${perRound} taking turns over the depths`,
      );
      for (let r = 0; r < rounds; r++)
        for (const depth of depths) await measure(depth, 'signups', signup(depth.sku));
      // Tickets order the queue, not the clock: within a second, a signup may take a lower ticket (from a
      // shard's block leased earlier) than the one just before it. So the place due to each signup is one
      // plus the seeded depth plus the earlier signups with lower tickets; the back of the queue is the
      // highest ticket.
      for (const depth of depths) {
        const shoppers = depth.signups.samples.map(shopperAnswered);
        const tickets = await ticketsOf(
          dynamo,
          backorders,
          shoppers.flatMap((s) => (s ? [s.id] : [])),
        );
        const mine = shoppers.map((s) => (s ? tickets.get(s.id) : undefined));
        depth.signupPlacesDue = mine.map((ticket, k) =>
          ticket === undefined
            ? Number.NaN
            : depth.depth + 1 + mine.slice(0, k).filter((t) => t !== undefined && t < ticket).length,
        );
        const highest = Math.max(...mine.map((t) => t ?? -1));
        depth.back = shoppers[mine.indexOf(highest)];
        // What a place at the back reads: its book's pages before its own (none once the book is sealed).
        depth.pagesRead = pagesToRead(highest, {
          lowestBook: 0,
          sealedBelow: depth.sealedBelow,
          books: {},
        }).length;
      }
      for (let r = 0; r < rounds; r++)
        for (const depth of depths) if (depth.back) await measure(depth, 'reads', read(depth.back));
      for (let r = 0; r < rounds; r++)
        for (const depth of depths) await measure(depth, 'lists', list(depth.sku));

      // 4. Report.
      const figures: Figure[] = [];
      const figureOf = figuresOf(SCENARIO);
      const figure = (name: string, value: number, unit: string, extra: Partial<Figure> = {}) =>
        figures.push(figureOf(name, value, unit, extra));
      let wrongPlaces = 0;
      let wrongLists = 0;
      const wrongSamples: string[] = [];
      const expect = (depth: number, what: string, sample: LoadSample, place: number) => {
        const shown = positionIn(sample);
        if (shown === place) return;
        wrongPlaces++;
        if (wrongSamples.length < 5)
          wrongSamples.push(`depth ${spaced(depth)}, ${what}: place ${shown} where ${place} was due`);
      };
      let failed = 0;
      const rows = depths.map((depth) => {
        const signups = depth.signups.samples;
        const reads = depth.reads.samples;
        const lists = depth.lists.samples;
        // The shopper at the back of a queue of D + N.
        signups.forEach((s, k) => expect(depth.depth, `signup ${k + 1}`, s, depth.signupPlacesDue[k]));
        reads.forEach((s, k) => expect(depth.depth, `read ${k + 1}`, s, depth.depth + signups.length));
        failed += [...signups, ...reads, ...lists].filter((s) => s.status < 200 || s.status > 299).length;
        // A page of the oldest 50 waiting: full wherever 50 wait.
        for (const sample of lists)
          if (depth.depth + signups.length >= 50 && listedIn(sample) !== 50) wrongLists++;
        return {
          depth,
          signup: summarize(signups.map((s) => s.ms)),
          read: summarize(reads.map((s) => s.ms)),
          list: summarize(lists.map((s) => s.ms)),
          signupRequests: perCall(depth.signups.requests, signups.length),
          readRequests: perCall(depth.reads.requests, reads.length),
          listRequests: perCall(depth.lists.requests, lists.length),
          retries:
            depth.signups.requests.retries + depth.reads.requests.retries + depth.lists.requests.retries,
        };
      });
      const base = rows[0];
      const ratio = (a: LatencySummary, b: LatencySummary, p: 'p50' | 'p99') => a[p] / b[p];
      say('');
      say(`${'depth'.padStart(9)}  signup p50 / p99 (× depth 0)            requests per signup`);
      for (const row of rows)
        say(
          `${spaced(row.depth.depth).padStart(9)}  ${ms(row.signup.p50).padStart(8)} / ${ms(row.signup.p99).padStart(8)} ` +
            `(${times(ratio(row.signup, base.signup, 'p50'))} / ${times(ratio(row.signup, base.signup, 'p99'))})  ` +
            `${row.signupRequests.text}`,
        );
      say(`${'depth'.padStart(9)}  status read p50 / p99 (× depth 0)       requests per read`);
      for (const row of rows)
        say(
          `${spaced(row.depth.depth).padStart(9)}  ${ms(row.read.p50).padStart(8)} / ${ms(row.read.p99).padStart(8)} ` +
            `(${times(ratio(row.read, base.read, 'p50'))} / ${times(ratio(row.read, base.read, 'p99'))})  ` +
            `${row.readRequests.text}; ${row.depth.pagesRead ?? 'n/a'} page items`,
        );
      say(`${'depth'.padStart(9)}  console list p50 / p99 (× depth 0)      requests per list`);
      for (const row of rows)
        say(
          `${spaced(row.depth.depth).padStart(9)}  ${ms(row.list.p50).padStart(8)} / ${ms(row.list.p99).padStart(8)} ` +
            `(${times(ratio(row.list, base.list, 'p50'))} / ${times(ratio(row.list, base.list, 'p99'))})  ` +
            `${row.listRequests.text}`,
        );
      say('by command, per call:');
      for (const row of rows) {
        say(`  ${spaced(row.depth.depth).padStart(9)} signup: ${row.signupRequests.commands}`);
        say(`  ${spaced(row.depth.depth).padStart(9)} read:   ${row.readRequests.commands}`);
        say(`  ${spaced(row.depth.depth).padStart(9)} list:   ${row.listRequests.commands}`);
      }
      const retries = rows.reduce((sum, row) => sum + row.retries, 0);
      const cpuReport = cpu.report();
      say(
        `places answered: ${wrongPlaces === 0 ? 'every one as expected' : `${wrongPlaces} wrong`}; ` +
          `non-2xx answers: ${failed}; SDK retries: ${retries}; CPU while measuring: ${formatCpu(cpuReport)}`,
      );
      for (const sample of wrongSamples) say(`  wrong: ${sample}`);

      // A place reads one BatchGetItem on its book's first page (an empty queue's), and a second for the pages
      // before it in its book elsewhere, at any depth: the one request a deeper queue may add to depth 0's.
      const bound = (value: number) => ({ op: '<=' as const, value: value + 1 });
      for (const row of rows) {
        const at = `depth ${spaced(row.depth.depth)}`;
        const deep = row !== base;
        figure(`signup p50, ${at}`, row.signup.p50, 'ms', { note: `p99 ${ms(row.signup.p99)}` });
        figure(`status read p50, ${at}`, row.read.p50, 'ms', { note: `p99 ${ms(row.read.p99)}` });
        figure(`requests per signup beyond its ticket, ${at}`, row.signupRequests.beyondTicket, '', {
          ...(deep ? { target: bound(base.signupRequests.beyondTicket) } : {}),
          note: row.signupRequests.commands,
        });
        figure(`ticket requests per signup, ${at}`, row.signupRequests.ticket, '', {
          note: '1 from a block with room, 3 for a new block: depends on the pace of signups, not the depth',
        });
        figure(`console list p50, ${at}`, row.list.p50, 'ms', { note: `p99 ${ms(row.list.p99)}` });
        figure(`requests per console list, ${at}`, row.listRequests.total, '', {
          // One Query per shard, and one more for each shard that holds more than its share of the page's
          // rows: that follows how the page's 50 fall on the shards, not the depth.
          ...(deep
            ? { target: { op: '<=' as const, value: base.listRequests.total + LIST_SHARD_REREADS } }
            : {}),
          note: `${row.listRequests.commands}: one query per shard of the listing, at any depth`,
        });
        figure(`requests per status read, ${at}`, row.readRequests.total, '', {
          ...(deep ? { target: bound(base.readRequests.total) } : {}),
          note: `${row.readRequests.commands}; the place reads ${row.depth.pagesRead ?? 'n/a'} page items`,
        });
        if (!deep) continue;
        const latency = { op: '<=' as const, value: TARGET_LATENCY_RATIO };
        figure(`signup p50 / depth 0's, ${at}`, ratio(row.signup, base.signup, 'p50'), '', {
          target: latency,
        });
        figure(`signup p99 / depth 0's, ${at}`, ratio(row.signup, base.signup, 'p99'), '', {
          target: latency,
        });
        figure(`status read p50 / depth 0's, ${at}`, ratio(row.read, base.read, 'p50'), '', {
          target: latency,
        });
        figure(`status read p99 / depth 0's, ${at}`, ratio(row.read, base.read, 'p99'), '', {
          target: latency,
        });
        figure(`console list p50 / depth 0's, ${at}`, ratio(row.list, base.list, 'p50'), '', {
          target: latency,
        });
      }
      figure('console list pages not full at depth', wrongLists, '', {
        target: { op: '<=', value: 0 },
        required: true,
      });
      figure('places answered wrong at depth', wrongPlaces, '', {
        target: { op: '<=', value: 0 },
        required: true,
      });
      figure('non-2xx answers at depth', failed, '', { target: { op: '<=', value: 0 }, required: true });
      figure('other processes on the machine while measuring', cpuReport.othersPercent, '% of a core');
      context.detail('depths', {
        calls: perRound * rounds,
        rounds,
        rows: rows.map((row) => ({
          depth: row.depth.depth,
          sku: row.depth.sku,
          seedSeconds: row.depth.seedSeconds,
          signup: row.signup,
          read: row.read,
          signupRequests: row.depth.signups.requests,
          readRequests: row.depth.reads.requests,
          list: row.list,
          listRequests: row.depth.lists.requests,
        })),
        cpu: cpuReport,
      });

      // 5. The burst.
      figures.push(...(await runBurst(stack, context, generator, dynamo, counter, { run, firstN: n })));
      return figures;
    } finally {
      counter.remove();
      await generator.stop();
      dynamo.destroy();
    }
  },
};
