/**
 * export: `GET /api/admin/backorders.csv?sku=…` of 100 000 waiting backorders of one product (10 000 with
 * `--quick`), streamed by the exporter through the local gateway as through its function URL on AWS
 * (lambdas/exporter/handler.ts, local/awslambda.ts). The queue is seeded as the platform stores it
 * (test/support/ticketed-queue.ts: rows with tickets, page sets, sealed books; timed, not measured), then a
 * warm-up export of 1 000 on another SKU, then the measured export.
 *
 * The client is a child process writing the body to a file, so the bench process holds only what the handler
 * holds: its peak RSS (sampled and the kernel's VmHWM, reset at the start) and V8 heap over the export are the
 * handler's memory, next to their values before it; a handler that loaded the whole listing would grow by
 * hundreds of megabytes. Figures: time to the first byte and to the end, rows and MB per second, peak RSS and
 * heap (and their growth), the exporter's AWS requests per 1 000 rows (counted per command), CPU per process.
 * Then the file is read back: the header, every row once (unique ids), all of the SKU, places 1…N in order,
 * and the answer ended properly; anything else makes the run invalid.
 */
import { spawn } from 'node:child_process';
import { createReadStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { randomBytes } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { BACKORDER_COLUMNS } from '../../lambdas/use-cases/csv-exports';
import { ticketedQueue, writeTicketedQueue } from '../../test/support/ticketed-queue';
import { CpuAccount, formatCpu } from '../lib/cpu';
import { countFunctionRequests } from '../lib/invocations';
import { startMemorySampler } from '../lib/memory';
import { figuresOf, type Figure } from '../lib/report';
import { say, type Scenario } from '../lib/scenario';
import { seedProduct, seedSettings, spaced } from '../lib/shoppers';
import type { BenchStack } from '../lib/stack';

const SCENARIO = 'export';
const ROWS = 100_000;
const QUICK_ROWS = 10_000;
const WARM_UP_ROWS = 1_000;
const SEED_PARALLEL = 8;
const MEMORY_SAMPLE_MS = 100;
/**
 * 100 000 backorders within a minute; the handler process's resident memory growing by at most 100 MB while
 * it sends them (the listing itself would take several hundred in memory), and keeping nothing afterwards.
 */
const targets = { secondsPer100k: 60, rssGrowthMb: 100, retainedHeapMb: 8 };

/** V8's collector, on demand: what the heap still holds once garbage is gone (the flag is set at run time). */
const collectGarbage = (): (() => void) => {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
};
const heapUsedMb = () => process.memoryUsage().heapUsed / 1024 / 1024;

/** The client: streams the answer to a file, then prints what happened as one JSON line. */
const DOWNLOADER = `
const http = require('node:http');
const fs = require('node:fs');
const [url, token, file] = process.argv.slice(1);
const started = performance.now();
http.get(url, { headers: { authorization: 'Bearer ' + token } }, (response) => {
  let firstByteMs;
  let bytes = 0;
  const out = fs.createWriteStream(file);
  response.on('data', (chunk) => { firstByteMs ??= performance.now() - started; bytes += chunk.length; });
  response.pipe(out);
  response.on('close', () => out.end(() => process.stdout.write(JSON.stringify({
    status: response.statusCode, complete: response.complete, bytes, firstByteMs,
    totalMs: performance.now() - started,
  }))));
}).on('error', (error) => { process.stderr.write(String(error)); process.exit(1); });
`;

interface Downloaded {
  status: number;
  complete: boolean;
  bytes: number;
  firstByteMs: number;
  totalMs: number;
}

const downloadInChild = (url: string, token: string, file: string): Promise<Downloaded> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', DOWNLOADER, url, token, file], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('close', (code) =>
      code === 0 ? resolve(JSON.parse(out) as Downloaded) : reject(new Error(`downloader: ${err}`)),
    );
  });

interface Checked {
  header: boolean;
  rows: number;
  uniqueIds: number;
  otherSku: number;
  placesInOrder: boolean;
}

/** Reads the file back a line at a time (the seeded names and emails hold no line breaks or commas). */
const checkFile = async (file: string, sku: string): Promise<Checked> => {
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  const ids = new Set<string>();
  const checked: Checked = { header: false, rows: 0, uniqueIds: 0, otherSku: 0, placesInOrder: true };
  const position = BACKORDER_COLUMNS.indexOf('position');
  let first = true;
  for await (const line of lines) {
    if (first) {
      checked.header = line === BACKORDER_COLUMNS.join(',');
      first = false;
      continue;
    }
    if (line === '') continue;
    const cells = line.split(',');
    checked.rows++;
    ids.add(cells[0]);
    if (cells[1] !== sku) checked.otherSku++;
    if (Number(cells[position]) !== checked.rows) checked.placesInOrder = false;
  }
  checked.uniqueIds = ids.size;
  return checked;
};

const seedQueue = async (stack: BenchStack, sku: string, rows: number, label: string) => {
  const dynamo = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      endpoint: stack.endpoints.dynamodb,
    }),
  );
  try {
    await seedProduct(stack, sku, `Bench export of ${spaced(rows)}`);
    const queue = ticketedQueue(sku, rows, { label });
    await writeTicketedQueue(dynamo, stack.platform.tableNames, queue, SEED_PARALLEL);
  } finally {
    dynamo.destroy();
  }
};

export const exportScenario: Scenario = {
  name: SCENARIO,
  description: 'streamed CSV export of 100 000 backorders: time, peak memory of the handler process',
  async run(context) {
    const figure = figuresOf(SCENARIO);
    const stack = await context.stack();
    const rows = context.options.quick ? QUICK_ROWS : ROWS;
    const run = randomBytes(3).toString('hex');
    const sku = `BENCH-EXPORT-${run}`.toUpperCase();
    const warmSku = `BENCH-EXPORT-WARM-${run}`.toUpperCase();
    const directory = mkdtempSync(path.join(os.tmpdir(), 'bench-export-'));
    const url = (forSku: string) => `${stack.url}/api/admin/backorders.csv?sku=${forSku}`;
    try {
      await seedSettings(stack);
      const seeding = performance.now();
      await seedQueue(stack, sku, rows, `export-${run}`);
      await seedQueue(stack, warmSku, WARM_UP_ROWS, `export-warm-${run}`);
      say(
        `seeded ${spaced(rows)} + ${spaced(WARM_UP_ROWS)} waiting backorders in ${((performance.now() - seeding) / 1000).toFixed(1)} s (not measured)`,
      );
      const warm = await downloadInChild(url(warmSku), stack.adminToken, path.join(directory, 'warm.csv'));
      if (warm.status !== 200 || !warm.complete)
        throw new Error(`the warm-up export answered ${warm.status}`);

      const [{ dynamo: handlerDynamo }, { sqs: handlerSqs }] = await Promise.all([
        import('../../lambdas/runtime/dynamo'),
        import('../../lambdas/runtime/sqs'),
      ]);
      const counter = countFunctionRequests(['exporter'], { DynamoDB: handlerDynamo, SQS: handlerSqs });
      const cpu = new CpuAccount('bench (gateway + exporter)');
      const file = path.join(directory, 'export.csv');
      const gc = collectGarbage();
      gc();
      const before = process.memoryUsage();
      counter.start();
      cpu.start();
      const memory = startMemorySampler(MEMORY_SAMPLE_MS);
      const answer = await downloadInChild(url(sku), stack.adminToken, file);
      const peak = memory.stop();
      cpu.stop();
      const requests = counter.stop();
      counter.remove();
      gc();
      const retainedMb = heapUsedMb() - before.heapUsed / 1024 / 1024;
      const seconds = answer.totalMs / 1000;
      const megabytes = answer.bytes / 1024 / 1024;
      const checked = await checkFile(file, sku);
      say(
        `export: ${answer.status}, ${spaced(checked.rows)} rows, ${megabytes.toFixed(1)} MB (file ${(statSync(file).size / 1024 / 1024).toFixed(1)} MB) in ${seconds.toFixed(1)} s, first byte after ${answer.firstByteMs.toFixed(0)} ms`,
      );
      say(
        `handler process: RSS ${peak.self.startRssMb.toFixed(0)} → peak ${peak.self.peakRssMb.toFixed(0)} MB, heap used ${(before.heapUsed / 1024 / 1024).toFixed(0)} → peak ${peak.self.peakHeapUsedMb.toFixed(0)} MB (garbage included), ${retainedMb.toFixed(1)} MB more after a collection`,
      );
      say(`exporter requests: ${JSON.stringify(requests.byCommand)} (${requests.retries} retries)`);
      say(`CPU: ${formatCpu(cpu.report())}`);
      const per1000 = (n: number) => (n / Math.max(1, checked.rows)) * 1000;
      const complete =
        answer.status === 200 &&
        answer.complete &&
        checked.header &&
        checked.rows === rows &&
        checked.uniqueIds === rows &&
        checked.otherSku === 0 &&
        checked.placesInOrder;
      context.detail('export', { rows, answer, checked, requests, memory: peak, cpu: cpu.report() });
      const figures: Figure[] = [
        figure('export, first byte', answer.firstByteMs, 'ms'),
        figure(`export of ${spaced(rows)} backorders`, seconds, 's', {
          target: { op: '<=', value: (targets.secondsPer100k * rows) / ROWS },
        }),
        figure('rows per second', checked.rows / seconds, 'rows/s'),
        figure('throughput', megabytes / seconds, 'MB/s', { note: `${megabytes.toFixed(1)} MB in all` }),
        figure('handler process peak RSS growth', peak.self.peakRssMb - peak.self.startRssMb, 'MB', {
          target: { op: '<=', value: targets.rssGrowthMb },
          note: `${peak.self.startRssMb.toFixed(0)} → ${peak.self.peakRssMb.toFixed(0)} MB`,
        }),
        figure(
          'handler process peak heap growth',
          peak.self.peakHeapUsedMb - before.heapUsed / 1024 / 1024,
          'MB',
          {
            note: `garbage included; ${peak.self.peakHeapUsedMb.toFixed(0)} MB at the peak`,
          },
        ),
        figure('heap kept after the export (after a collection)', retainedMb, 'MB', {
          target: { op: '<=', value: targets.retainedHeapMb },
        }),
        figure('DynamoDB requests per 1 000 rows', per1000(requests.dynamodb), 'requests'),
        figure('every row once, in order, answer complete', complete ? 1 : 0, '', {
          target: { op: '>=', value: 1 },
          required: true,
          note: `${spaced(checked.rows)} rows, ${spaced(checked.uniqueIds)} distinct ids`,
        }),
      ];
      return figures;
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  },
};
