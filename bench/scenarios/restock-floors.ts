/**
 * The restock against its two floors, once the platform is idle, each on an empty SES store:
 * - the floor of the target, with the platform's calls (restock-floor-calls.ts): the same requests by
 *   command, on a product and queue of its own, with the platform's concurrency; the gap is the work the
 *   platform adds over its AWS calls, which is what the issue asks to measure;
 * - the send path's minimum (restock-floor.ts): one claim and one send per alert and nothing else, printed
 *   beside it to show what the calls themselves cost.
 * platform/floor compares the send rates; because the runs are minutes apart on a shared machine, the same
 * comparison by CPU per alert of all the bench's processes is printed too.
 */
import { type CpuReport, formatCpu, perLabel } from '../lib/cpu';
import type { Figure } from '../lib/report';
import { say } from '../lib/scenario';
import type { BenchStack } from '../lib/stack';
import type { SeededBackorder } from '../../test/support/backorder-rows';
import { runCallsFloor, type CallsFloorResult } from './restock-floor-calls';
import { floorAlert, runFloor, type FloorResult } from './restock-floor';

export const TARGET_FLOOR_RATIO = 0.65;

export interface FloorComparison {
  calls: CallsFloorResult;
  minimal: FloorResult;
  /** platform / floor with the platform's calls, by send rate (the target) and by CPU per alert. */
  ratio: number;
  cpuRatio: number;
  /** platform / the send path's minimum, by send rate and by CPU per alert. */
  minimalRatio: number;
  minimalCpuRatio: number;
  platformCpuMs: number;
}

const totalCpuMs = (costs: Record<string, number>) => Object.values(costs).reduce((a, b) => a + b, 0);

const clearSesStore = (stack: BenchStack) => fetch(`${stack.endpoints.ses}/clear-store`, { method: 'POST' });

export const compareWithFloors = async (
  stack: BenchStack,
  options: {
    run: string;
    /** The floor's own product and waiting backorders, seeded with the platform's. */
    floorSku: string;
    floorSeeded: readonly SeededBackorder[];
    pollers: number;
    batchSize: number;
    sampleStatusUrl: string;
    configurationSet: string | undefined;
    timeoutMs: number;
    platform: { sendRate: number; cpuMsPerAlert: Record<string, number>; cpu: CpuReport };
  },
): Promise<FloorComparison> => {
  const count = options.floorSeeded.length;
  const concurrency = options.pollers * options.batchSize;
  const platformCpuMs = totalCpuMs(options.platform.cpuMsPerAlert);
  const report = (name: string, floor: FloorResult | CallsFloorResult) => {
    const floorCpuMs = totalCpuMs(floor.cpuMsPerAlert);
    const ratio = options.platform.sendRate / floor.rate;
    say(
      `${name}: ${floor.alerts} in ${floor.seconds.toFixed(1)} s = ${floor.rate.toFixed(1)} emails/s; ` +
        `platform/floor = ${ratio.toFixed(2)}`,
    );
    say(`  CPU: ${formatCpu(floor.cpu)}`);
    say(`  CPU ms per alert: ${perLabel(floor.cpuMsPerAlert)}`);
    say(
      `  by CPU (all bench processes, per alert): platform ${platformCpuMs.toFixed(1)} ms, floor ` +
        `${floorCpuMs.toFixed(1)} ms: floor/platform = ${(floorCpuMs / platformCpuMs).toFixed(2)}; other ` +
        `processes took ${options.platform.cpu.othersPercent.toFixed(0)}% of a core during the platform run, ` +
        `${floor.cpu.othersPercent.toFixed(0)}% during the floor`,
    );
    return [ratio, floorCpuMs / platformCpuMs];
  };

  await clearSesStore(stack);
  const { address, raw } = await floorAlert(options.run, options.sampleStatusUrl);
  say(
    `floor with the platform's calls: ${count} backorders allocated page by page and alerted, ` +
      `${options.pollers} alert batches of ${options.batchSize} at once, directly with the SDK…`,
  );
  const calls = await runCallsFloor(stack, {
    sku: options.floorSku,
    seeded: options.floorSeeded,
    pollers: options.pollers,
    batchSize: options.batchSize,
    run: options.run,
    raw,
    address,
    configurationSet: options.configurationSet,
    timeoutMs: options.timeoutMs,
  });
  say(
    `  its requests: ${Object.entries(calls.requests)
      .sort((a, b) => b[1] - a[1])
      .map(([command, n]) => `${command} ${(n / count).toFixed(2)}`)
      .join(', ')} per alert`,
  );
  const [ratio, cpuRatio] = report("floor with the platform's calls", calls);

  await clearSesStore(stack);
  say(
    `the send path's minimum: ${count} × (conditional PutItem on the ledger + SendRawEmail) + ` +
      `${Math.floor(count / 10)} SendMessageBatch of 10, directly with the SDK, ${concurrency} in flight…`,
  );
  const minimal = await runFloor(stack, {
    alerts: count,
    concurrency,
    run: options.run,
    sampleStatusUrl: options.sampleStatusUrl,
  });
  const [minimalRatio, minimalCpuRatio] = report("the send path's minimum", minimal);
  await clearSesStore(stack);
  return { calls, minimal, ratio, cpuRatio, minimalRatio, minimalCpuRatio, platformCpuMs };
};

export const floorFigures = (
  figure: (name: string, value: number, unit: string, extra?: Partial<Figure>) => Figure,
  { calls, minimal, ratio, cpuRatio, minimalRatio, minimalCpuRatio }: FloorComparison,
  platformOthersPercent: number,
): Figure[] => [
  figure("floor send rate (the platform's calls, bare SDK)", calls.rate, 'emails/s', {
    note: `same requests by command; ${calls.pollers} alert batches at once`,
  }),
  figure('platform / floor', ratio, '', {
    target: { op: '>=', value: TARGET_FLOOR_RATIO },
    note: `send rates; other processes ${platformOthersPercent.toFixed(0)}% / ${calls.cpu.othersPercent.toFixed(0)}% of a core`,
  }),
  figure('platform / floor by CPU per alert', cpuRatio, '', { note: 'all bench processes' }),
  figure("send path's minimum send rate (bare SDK)", minimal.rate, 'emails/s', {
    note: `PutItem + SendRawEmail + 1/10 SendMessageBatch, ${minimal.concurrency} in flight`,
  }),
  figure("platform / send path's minimum", minimalRatio, '', {
    note: `by CPU ${minimalCpuRatio.toFixed(2)}`,
  }),
  figure(
    'floor: bench-process CPU per alert',
    calls.cpuMsPerAlert['bench process (floor)'] ?? Number.NaN,
    'ms',
  ),
  figure('floor: DynamoDB Local CPU per alert', calls.cpuMsPerAlert['DynamoDB Local'] ?? Number.NaN, 'ms'),
  figure('other processes on the machine, floor', calls.cpu.othersPercent, '% of a core'),
];
