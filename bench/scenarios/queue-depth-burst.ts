/**
 * The queue-depth scenario's burst: 1 000 signups on one fresh SKU (200 with `--quick`) from 32 concurrent
 * clients of the load generator, the signup rate limit off (the bench stack's SIGNUP_RATE_LIMIT 0):
 * throughput, latency p50/p99 and failed answers (there must be none). Then the check, a correctness check of
 * the run: the SKU's backorders carry that many tickets, each a different one, and the places their status
 * pages show are 1…N once each, every one the rank of its ticket. A failure makes the run invalid.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { rowsOfSku } from '../../test/support/backorder-rows';
import type { FunctionRequestCounter } from '../lib/invocations';
import { failuresOf, formatStatuses, type LoadGenerator } from '../lib/load';
import { figuresOf, type Figure } from '../lib/report';
import { say, type ScenarioContext } from '../lib/scenario';
import type { BenchStack } from '../lib/stack';
import { formatLatency, summarize } from '../lib/stats';
import { drainEmails, seedProduct, shopperAnswered, spaced, type Shopper } from '../lib/shoppers';

const SCENARIO = 'queue-depth';
const BURST = 1_000;
const QUICK_BURST = 200;
const CONCURRENCY = 32;
/** Status reads in flight during the check (not measured). */
const CHECK_PARALLEL = 16;

/** Every backorder of the SKU: id and ticket. */
const ticketsOf = async (dynamo: DynamoDBDocumentClient, table: string, sku: string) =>
  (await rowsOfSku(dynamo, table, sku)).map((item) => ({
    id: String(item.id),
    ticket: item.ticket as number | undefined,
  }));

/** The place each shopper's status page shows (null when it shows none or fails). */
const placesOf = async (stack: BenchStack, shoppers: readonly Shopper[]) => {
  const places = new Map<string, number | null>();
  let next = 0;
  await Promise.all(
    Array.from({ length: CHECK_PARALLEL }, async () => {
      while (next < shoppers.length) {
        const { id, token } = shoppers[next++];
        const response = await fetch(`${stack.url}/api/backorders/${id}?token=${encodeURIComponent(token)}`);
        const body = (await response.json().catch(() => ({}))) as { position?: unknown };
        places.set(id, response.ok && typeof body.position === 'number' ? body.position : null);
      }
    }),
  );
  return places;
};

export const runBurst = async (
  stack: BenchStack,
  context: ScenarioContext,
  generator: LoadGenerator,
  dynamo: DynamoDBDocumentClient,
  counter: FunctionRequestCounter,
  { run, firstN }: { run: string; firstN: number },
): Promise<Figure[]> => {
  const count = context.options.quick ? QUICK_BURST : BURST;
  const sku = `BENCH-QD-${run}-BURST`.toUpperCase();
  await seedProduct(stack, sku, 'Bench queue burst');
  await drainEmails(stack, context);
  say(
    `burst: ${spaced(count)} signups on ${sku} from ${CONCURRENCY} concurrent clients, signup rate limit off`,
  );
  counter.start();
  const result = await generator.run({
    baseUrl: stack.url,
    method: 'POST',
    path: '/api/backorders',
    body: JSON.stringify({ sku, email: `qd-burst-{n}.${run}@bench.example`, quantity: 1 }),
    firstN,
    mode: 'closed',
    concurrency: CONCURRENCY,
    warmupMs: 0,
    durationMs: 600_000,
    maxRequests: count,
    recordSamples: true,
    recordBodies: true,
  });
  const requests = counter.stop();
  const latency = summarize(result.latenciesMs);
  const throughput = result.completed / result.elapsedSeconds;
  const failures = failuresOf(result);
  say(
    `  ${result.completed} answered in ${result.elapsedSeconds.toFixed(1)} s: ${throughput.toFixed(1)} signups/s; ` +
      `${formatLatency(latency)}`,
  );
  say(`  answers: ${formatStatuses(result)}`);
  const per = (n: number) => (n / Math.max(1, result.completed)).toFixed(2);
  // A transaction cancelled by another one on the same item (the page's set, a counter row) is tried again
  // after a pause (lambdas/runtime/transact.ts): more than one TransactWriteItems per signup are those.
  say(
    `  AWS requests per signup: ${per(requests.total)} = DynamoDB ${per(requests.dynamodb)} (ticket ` +
      `${per(requests.ticket)}) + SQS ${per(requests.sqs)}; SDK retries ${requests.retries}; ` +
      Object.entries(requests.byCommand)
        .map(([name, n]) => `${name} ${per(n)}`)
        .join(', '),
  );
  for (const sample of result.errorSamples) say(`  error sample: ${sample}`);

  // The check (not measured): unique tickets, and places 1…N once each, in ticket order.
  const shoppers = (result.samples ?? [])
    .filter((s) => s.status === 201)
    .map(shopperAnswered)
    .filter((s): s is Shopper => s !== undefined);
  const rows = await ticketsOf(dynamo, stack.platform.tableNames.backorders, sku);
  const tickets = rows.map((r) => r.ticket).filter((t): t is number => typeof t === 'number');
  const duplicateTickets = tickets.length - new Set(tickets).size;
  const withoutTicket = rows.length - tickets.length;
  const places = await placesOf(stack, shoppers);
  const rankOf = new Map(
    rows
      .filter((r) => typeof r.ticket === 'number')
      .sort((a, b) => a.ticket! - b.ticket!)
      .map((r, i) => [r.id, i + 1]),
  );
  const seen = new Map<number, number>();
  for (const place of places.values()) if (place !== null) seen.set(place, (seen.get(place) ?? 0) + 1);
  const placesOnceEach = Array.from({ length: count }, (_, i) => seen.get(i + 1) === 1).filter(
    Boolean,
  ).length;
  const outOfTicketOrder = [...places].filter(([id, place]) => place !== rankOf.get(id)).length;
  const wrong =
    count -
    placesOnceEach +
    outOfTicketOrder +
    duplicateTickets +
    withoutTicket +
    Math.abs(rows.length - count);
  say(
    `  check: ${rows.length} backorders stored, ${new Set(tickets).size} distinct tickets ` +
      `(${duplicateTickets} duplicates, ${withoutTicket} without one; highest ${Math.max(...tickets)}, ` +
      `so ${Math.max(...tickets) + 1 - tickets.length} numbers left unused); status pages show ` +
      `${placesOnceEach} of the places 1…${count} exactly once, ${outOfTicketOrder} not their ticket's rank: ` +
      (wrong === 0 ? 'PASS' : 'FAIL'),
  );
  await drainEmails(stack, context);
  context.detail('burst', {
    sku,
    count,
    concurrency: CONCURRENCY,
    seconds: result.elapsedSeconds,
    throughput,
    latency,
    statuses: result.statuses,
    requests,
    failures,
    errorSamples: result.errorSamples,
    stored: rows.length,
    duplicateTickets,
    withoutTicket,
    highestTicket: Math.max(...tickets),
    placesOnceEach,
    outOfTicketOrder,
  });
  const figure = figuresOf(SCENARIO);
  return [
    figure(`burst of ${spaced(count)} signups on one SKU`, throughput, 'signups/s', {
      note: `${CONCURRENCY} clients, ${result.elapsedSeconds.toFixed(1)} s`,
    }),
    figure('burst: AWS requests per signup', requests.total / Math.max(1, result.completed), '', {
      note: `TransactWriteItems ${per(requests.byCommand['DynamoDB TransactWriteItems'] ?? 0)}, ticket ${per(requests.ticket)}`,
    }),
    figure('burst signup p50', latency.p50, 'ms'),
    figure('burst signup p99', latency.p99, 'ms'),
    figure('burst failed signups', failures, '', { target: { op: '<=', value: 0 }, required: true }),
    figure('burst check: tickets unique, places 1…N once each', wrong, 'wrong', {
      target: { op: '<=', value: 0 },
      required: true,
      note: `${duplicateTickets} duplicate tickets, ${count - placesOnceEach} places not shown exactly once, ${outOfTicketOrder} out of ticket order`,
    }),
  ];
};
