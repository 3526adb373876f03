/**
 * A product CSV import of 10 000 rows (1 000 with `--quick`): `POST /api/admin/products/import` of a file of
 * new SKUs, then the report polled every 250 ms until it says done. Then the same file again (every row
 * unchanged: reads only), and a third file raising the stock of every tenth product (updates, allocation
 * requests). A warm-up import of 500 rows goes first, timed, not measured.
 *
 * Measured per import: the POST's answer time (the whole file read and checked, its chunks stored, the
 * report and outbox row written, the chunk messages sent), upload to done, rows per second, and the AWS
 * requests of the admin function and the importer (counted per command by the bench stack's invocation
 * names, lib/invocations.ts), per row; CPU per row of the bench process and DynamoDB Local. Every import
 * must end done with every row counted as expected (required).
 */
import { randomBytes } from 'node:crypto';
import { CpuAccount, formatCpu } from '../lib/cpu';
import { countFunctionRequests, type FunctionRequests } from '../lib/invocations';
import { figuresOf, type Figure } from '../lib/report';
import { say, type Scenario } from '../lib/scenario';
import type { BenchStack } from '../lib/stack';

const SCENARIO = 'import';
const ROWS = 10_000;
const QUICK_ROWS = 1_000;
const WARM_UP_ROWS = 500;
/** The target: 10 000 rows imported within a minute, locally. */
const TARGET_SECONDS_PER_10K = 60;
const TIMEOUT_MS = 300_000;
const POLL_MS = 250;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const spaced = (n: number) => n.toLocaleString('en').replace(/,/g, ' ');

interface Report {
  status: string;
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
}

/** A catalogue file: every column a shop would send, one product per line (10 000 of them within 1 MiB). */
const catalogue = (prefix: string, rows: number, stockOf: (i: number) => number): string =>
  [
    'sku,name,stock,expectedRestockDate,backordersEnabled,maxPerCustomer,supplierId,productId,option.Size',
    ...Array.from({ length: rows }, (_, i) => {
      const size = 'SML'[i % 3];
      return (
        `${prefix}-${i},"Tee ${i}, ${size}",${stockOf(i)},2027-0${1 + (i % 9)}-15,yes,${1 + (i % 5)},` +
        `acme,${prefix}-P${Math.floor(i / 3)},${size}`
      );
    }),
  ].join('\n');

const post = async (stack: BenchStack, file: string) => {
  const response = await fetch(`${stack.url}/api/admin/products/import`, {
    method: 'POST',
    headers: { authorization: `Bearer ${stack.adminToken}`, 'content-type': 'text/csv' },
    body: file,
  });
  const text = await response.text();
  if (response.status !== 202)
    throw new Error(`the import answered ${response.status}: ${text.slice(0, 300)}`);
  return (JSON.parse(text) as { id: string }).id;
};

/** Posts the file and polls its report until done: the answer time, upload to done, and the report. */
const importFile = async (stack: BenchStack, file: string) => {
  const started = performance.now();
  const id = await post(stack, file);
  const answeredMs = performance.now() - started;
  for (;;) {
    const report = (await stack.admin('GET', `/api/admin/imports/${id}`)) as Report;
    if (report.status === 'done')
      return { answeredMs, seconds: (performance.now() - started) / 1000, report };
    if (performance.now() - started > TIMEOUT_MS)
      throw new Error(`import ${id} not done: ${JSON.stringify(report)}`);
    await sleep(POLL_MS);
  }
};

const perRow = (requests: FunctionRequests, rows: number) =>
  Object.entries(requests.byCommand)
    .map(([name, n]) => `${name.replace(/^(DynamoDB|SQS) /, '')} ${(n / rows).toFixed(3)}`)
    .join(', ');

export const importScenario: Scenario = {
  name: SCENARIO,
  description:
    `a ${spaced(ROWS)}-row product CSV import (new SKUs), the same file again, then a tenth of the stock ` +
    `raised: upload to done within ${TARGET_SECONDS_PER_10K} s, AWS requests per row`,
  run: async (context) => {
    const stack = await context.stack();
    if (context.options.queueConcurrency === 0) {
      say('skipped: --queue-concurrency 0 runs no importer');
      return [];
    }
    const rows = context.options.quick ? QUICK_ROWS : ROWS;
    const targetSeconds = (TARGET_SECONDS_PER_10K * rows) / ROWS;
    const run = randomBytes(4).toString('hex').toUpperCase();
    const figure = figuresOf(SCENARIO);
    const [{ dynamo }, { sqs }] = await Promise.all([
      import('../../lambdas/runtime/dynamo'),
      import('../../lambdas/runtime/sqs'),
    ]);
    const counter = countFunctionRequests(['adminApi', 'importer'], { DynamoDB: dynamo, SQS: sqs });
    try {
      const warm = await importFile(
        stack,
        catalogue(`BIW-${run}`, WARM_UP_ROWS, () => 0),
      );
      say(`warm-up: ${WARM_UP_ROWS} rows in ${warm.seconds.toFixed(1)} s (not measured)`);

      const prefix = `BI-${run}`;
      const first = catalogue(prefix, rows, () => 0);
      // Every tenth product gets 5 units: an update, and a request for an allocation (nobody waits here).
      const raised = catalogue(prefix, rows, (i) => (i % 10 === 0 ? 5 : 0));
      const expected: Record<string, Partial<Report>> = {
        create: { created: rows, updated: 0, unchanged: 0, failed: 0 },
        again: { created: 0, updated: 0, unchanged: rows, failed: 0 },
        raise: { created: 0, updated: rows / 10, unchanged: rows - rows / 10, failed: 0 },
      };
      const figures: Figure[] = [];
      for (const [label, file, what] of [
        ['create', first, `${spaced(rows)} new products`],
        ['again', first, 'the same file again (unchanged)'],
        ['raise', raised, 'a tenth of the stock raised'],
      ] as const) {
        const cpu = new CpuAccount('bench process (gateway, admin, importer)');
        counter.start();
        cpu.start();
        const result = await importFile(stack, file);
        cpu.stop();
        const requests = counter.stop();
        const cpuReport = cpu.report();
        const wrong = Object.entries(expected[label]).filter(
          ([key, value]) => result.report[key as keyof Report] !== value,
        );
        say(
          `${what}: answered in ${result.answeredMs.toFixed(0)} ms, done in ${result.seconds.toFixed(1)} s ` +
            `(${(rows / result.seconds).toFixed(0)} rows/s); report ${JSON.stringify(result.report)}`,
        );
        say(
          `  requests per row: DynamoDB ${(requests.dynamodb / rows).toFixed(3)}, SQS ${(requests.sqs / rows).toFixed(3)} ` +
            `(${perRow(requests, rows)}); SDK retries ${requests.retries}`,
        );
        say(`  CPU: ${formatCpu(cpuReport)}`);
        context.detail(label, { ...result, requests, cpu: cpuReport });
        const cpuPerRow = (name: string) =>
          ((cpuReport.processes.find((p) => p.label.startsWith(name))?.cpuSeconds ?? Number.NaN) * 1000) /
          rows;
        figures.push(
          figure(`${what}: upload to done`, result.seconds, 's', {
            target: { op: '<=', value: targetSeconds },
          }),
          figure(`${what}: the upload's answer (whole file checked)`, result.answeredMs, 'ms'),
          figure(`${what}: DynamoDB requests per row`, requests.dynamodb / rows, ''),
          figure(`${what}: SQS requests per row`, requests.sqs / rows, ''),
          figure(`${what}: CPU per row, bench process / DynamoDB Local`, cpuPerRow('bench process'), 'ms', {
            note: `DynamoDB Local ${cpuPerRow('DynamoDB Local').toFixed(2)} ms`,
          }),
          figure(`${what}: rows counted wrong`, wrong.length, '', {
            target: { op: '<=', value: 0 },
            required: true,
            note: wrong
              .map(([key, value]) => `${key} ${result.report[key as keyof Report]} ≠ ${value}`)
              .join(', '),
          }),
        );
      }
      return figures;
    } finally {
      counter.remove();
    }
  },
};
