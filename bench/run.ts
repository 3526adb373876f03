/**
 * `npm run bench`: the performance benchmark. Runs a list of scenarios against a local stack it starts itself
 * (emulators on free ports, the platform in this process), prints every figure with its target, and writes
 * them to bench/results/latest.json.
 *
 *   npm run bench                      every scenario, full length (about 7 minutes)
 *   npm run bench -- --quick           about 5 s per load phase: a smoke run, noisier figures
 *   npm run bench -- --large           the large size where a scenario has one (restock: 100 000 backorders;
 *                                      queue-depth: a queue of 1 000 000 too)
 *   npm run bench -- --only signup     some scenarios (comma-separated or repeated)
 *   npm run bench -- --list            the scenarios
 *   npm run bench -- --queue-concurrency 0   no queue consumers (sender, nurturer…) during the run (analysis: their share)
 *   npm run bench -- --profile         also CPU-profile the platform's load phases (bench/results/*.cpuprofile)
 *   npm run bench -- --background-requests 0   the local runner without its limit on background AWS requests
 *
 * The stack's scheduler ticks only hourly: the nurture scenario runs the sweep itself, when it starts measuring.
 *
 * Timings are measurements, never assertions: the exit code is 0 when targets are missed and non-zero only when
 * the run itself failed (an error, or requests that did not succeed, which would make the figures meaningless).
 * BENCH_QUICK=1 is the same as --quick.
 */
import path from 'node:path';
import { machine, summaryTable, verdictOf, writeRecord, type Figure, type RunRecord } from './lib/report';
import type { BenchOptions, ScenarioContext } from './lib/scenario';
import { startBenchStack, type BenchStack } from './lib/stack';
import { scenarios } from './scenarios';

const RESULTS_DIR = path.join(__dirname, 'results');
const RESULTS = path.join(RESULTS_DIR, 'latest.json');

class UsageError extends Error {}

interface Cli extends Omit<BenchOptions, 'resultsDir'> {
  /** The local runner's limit on background AWS requests in flight (its default when undefined; 0 = none). */
  backgroundRequests?: number;
  only: string[];
  list: boolean;
  help: boolean;
}

const parseArgs = (argv: string[]): Cli => {
  const cli: Cli = {
    quick: process.env.BENCH_QUICK === '1',
    large: false,
    profile: false,
    only: [],
    list: false,
    help: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    if (flag === '--quick') cli.quick = true;
    else if (flag === '--large') cli.large = true;
    else if (flag === '--only') cli.only.push(...value().split(',').filter(Boolean));
    else if (flag === '--list') cli.list = true;
    else if (flag === '--profile') cli.profile = true;
    else if (flag === '--help' || flag === '-h') cli.help = true;
    else if (flag === '--background-requests') {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 0)
        throw new UsageError('--background-requests must be a whole number ≥ 0');
      cli.backgroundRequests = n;
    } else if (flag === '--queue-concurrency') {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 0)
        throw new UsageError('--queue-concurrency must be a whole number ≥ 0');
      cli.queueConcurrency = n;
    } else throw new UsageError(`unknown option ${argv[i]}`);
  }
  const unknown = cli.only.filter((name) => !scenarios.some((s) => s.name === name));
  if (unknown.length) throw new UsageError(`unknown scenario ${unknown.join(', ')} (see --list)`);
  return cli;
};

const usage = () =>
  [
    'usage: npm run bench -- [--quick] [--large] [--only <scenario>[,<scenario>…]] [--profile] [--queue-concurrency <n>] [--background-requests <n>] [--list]',
    '',
    ...scenarios.map((s) => `  ${s.name.padEnd(12)} ${s.description}`),
  ].join('\n');

const main = async (): Promise<number> => {
  let cli: Cli;
  try {
    cli = parseArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${error.message}\n\n${usage()}`);
    return 2;
  }
  if (cli.help || cli.list) {
    console.log(usage());
    return 0;
  }
  const selected = scenarios.filter((s) => cli.only.length === 0 || cli.only.includes(s.name));
  const startedAt = new Date().toISOString();
  const figures: Figure[] = [];
  const details: Record<string, Record<string, unknown>> = {};

  let stack: Promise<BenchStack> | undefined;
  // One stop for everyone: a signal and the main flow may both ask, and neither may exit before it is done.
  let stopping: Promise<void> | undefined;
  const stopStack = () =>
    (stopping ??= (async () => {
      const running = await stack?.catch(() => undefined);
      await running?.stop();
    })());
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) return;
    interrupted = true;
    console.error(`\n${signal}: stopping the stack…`);
    void stopStack().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  let failed = false;
  try {
    for (const scenario of selected) {
      console.log(
        `\n== ${scenario.name}: ${scenario.description}${cli.quick ? ' (quick)' : cli.large ? ' (large)' : ''}`,
      );
      const context: ScenarioContext = {
        options: {
          quick: cli.quick,
          large: cli.large,
          queueConcurrency: cli.queueConcurrency,
          profile: cli.profile,
          resultsDir: RESULTS_DIR,
        },
        stack: () => {
          if (!stack) {
            console.log(
              `  starting the local stack (emulators on free ports, platform with signupRateLimit 0, ` +
                `schedulerTickSeconds 3600, emailSendRatePerSecond 0${
                  cli.queueConcurrency === undefined ? '' : `, queueConcurrency ${cli.queueConcurrency}`
                }${
                  cli.backgroundRequests === undefined
                    ? ''
                    : `, backgroundRequestLimit ${cli.backgroundRequests}`
                })…`,
            );
            stack = startBenchStack({
              queueConcurrency: cli.queueConcurrency,
              backgroundRequestLimit: cli.backgroundRequests,
            });
          }
          return stack;
        },
        detail: (key, value) => {
          (details[scenario.name] ??= {})[key] = value;
        },
        earlier: (name) => (name === scenario.name ? undefined : details[name]),
      };
      figures.push(...(await scenario.run(context)));
    }
  } catch (error) {
    failed = true;
    if (!interrupted) console.error('\nbenchmark failed:', error);
  } finally {
    await stopStack();
  }
  if (interrupted) return 130;

  if (figures.length) {
    console.log(`\n== summary${cli.quick ? ' (quick run: short phases, noisier figures)' : ''}\n`);
    console.log(summaryTable(figures));
    const record: RunRecord = {
      startedAt,
      finishedAt: new Date().toISOString(),
      quick: cli.quick,
      large: cli.large,
      scenarios: selected.map((s) => s.name),
      machine: machine(),
      details,
      figures: figures.map((figure) => ({ ...figure, verdict: verdictOf(figure) })),
    };
    await writeRecord(RESULTS, record);
    console.log(`\nwritten to ${path.relative(process.cwd(), RESULTS)}`);
  }
  const invalid = figures.filter((f) => f.required && verdictOf(f) === 'MISS');
  if (invalid.length) {
    console.error(
      `\nthe run is not valid: ${invalid.map((f) => `${f.scenario} ${f.name} = ${f.value}`).join('; ')}`,
    );
    return 1;
  }
  return failed ? 1 : 0;
};

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
