/**
 * Each Lambda function's bundle: minified size and the time a fresh Node.js process takes to require() it,
 * i.e. the module-loading part of a cold start.
 *
 * Bundled with esbuild the way CDK's NodejsFunction runs it (`esbuild --bundle <entry> --target=node22
 * --platform=node --format=cjs --minify --external:@aws-sdk/* --define:…`, the SDK v3 being part of the
 * Node.js 22 runtime, the define the function's own wiring: lib/platform.ts `bundleDefines`). The bundles
 * are written under node_modules/.cache/ so that Node's resolution finds the external @aws-sdk packages in
 * the repository's node_modules, the stand-in for the runtime's copy: loading them counts. Which of them
 * require() loaded is reported too: a module that loads what only some requests need on first use
 * (lambdas/runtime/first-use.ts, the handlers' per-route imports) leaves that to the first request, so the
 * time of the SDK packages alone is shown beside it, as what a first request that uses them adds.
 *
 * A second, informational build follows lib/platform-function.ts as it stands (SDK external, source maps,
 * NODE_OPTIONS=--enable-source-maps), since that is what a deployment ships.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { build, type Metafile } from 'esbuild';
import { bundleDefines, functions, type FunctionName } from '../../lib/platform';
import type { Figure } from '../lib/report';
import { say, type Scenario } from '../lib/scenario';
import { median } from '../lib/stats';

const SCENARIO = 'bundles';
const ROOT = path.resolve(__dirname, '..', '..');
const OUT = path.join(ROOT, 'node_modules', '.cache', 'backorder-bench');
const RUNS = 5;

const targets = { sizeKb: 250, requireMs: 100 };

interface Variant {
  key: 'sdk-external' | 'deployed';
  label: string;
  external: string[];
  sourcemap: boolean;
  nodeOptions: string;
  judged: boolean;
}

const VARIANTS: Variant[] = [
  {
    key: 'sdk-external',
    label: '@aws-sdk/* external',
    external: ['@aws-sdk/*'],
    sourcemap: false,
    nodeOptions: '',
    judged: true,
  },
  {
    key: 'deployed',
    label: 'as lib/platform-function.ts: SDK external, source maps',
    external: ['@aws-sdk/*'],
    sourcemap: true,
    nodeOptions: '--enable-source-maps',
    judged: false,
  },
];

/**
 * Requires the module given as argv[1] and prints how long require() took, from inside the process, and the
 * @aws-sdk packages that loading it loaded. The `awslambda` global stands in for the Node.js runtime's (a
 * streaming handler wraps itself with its `streamifyResponse` as it loads: lambdas/runtime/streamed-http.ts).
 */
const LOADER = [
  "const { performance } = require('node:perf_hooks');",
  'globalThis.awslambda = { streamifyResponse: (h) => h, HttpResponseStream: { from: (s) => s } };',
  'const file = process.argv[1];',
  'const started = performance.now();',
  'const mod = require(file);',
  'const requireMs = performance.now() - started;',
  "if (typeof mod.handler !== 'function' && process.argv[2] !== 'any') throw new Error(file + ' exports no handler');",
  'const sdkLoaded = [...new Set(Object.keys(require.cache).flatMap((p) => {',
  '  const m = /node_modules\\/(@aws-sdk\\/[^/]+)\\//.exec(p);',
  '  return m ? [m[1]] : [];',
  '}))];',
  'process.stdout.write(JSON.stringify({ requireMs, sdkLoaded }));',
].join('\n');

/** A Lambda-like environment: no inherited NODE_OPTIONS (e.g. a profiler flag), a region, a function name. */
const lambdaEnv = (fn: string, nodeOptions: string): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH,
  NODE_OPTIONS: nodeOptions,
  AWS_REGION: 'us-east-1',
  AWS_LAMBDA_FUNCTION_NAME: fn,
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
  POWERTOOLS_LOG_LEVEL: 'WARN',
});

interface ChildRun {
  wallMs: number;
  requireMs: number;
  sdkLoaded: string[];
}

const runNode = (args: string[], env: NodeJS.ProcessEnv): ChildRun => {
  const started = performance.now();
  const child = spawnSync(process.execPath, args, { env, encoding: 'utf8', cwd: OUT });
  const wallMs = performance.now() - started;
  if (child.status !== 0) throw new Error(`node ${args.slice(0, 2).join(' ')} failed: ${child.stderr}`);
  const { requireMs = 0, sdkLoaded = [] } = child.stdout
    ? (JSON.parse(child.stdout) as { requireMs: number; sdkLoaded: string[] })
    : {};
  return { wallMs, requireMs, sdkLoaded };
};

/** Bytes of the output per package (or "app" for this repository's own code), biggest first. */
const contributors = (metafile: Metafile, outfile: string): { source: string; kb: number }[] => {
  const output = Object.entries(metafile.outputs).find(([file]) => path.resolve(ROOT, file) === outfile)?.[1];
  const bySource = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(output?.inputs ?? {})) {
    const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input.slice(input.lastIndexOf('node_modules/')));
    const source = match ? match[1] : 'app (lambdas/, lib/)';
    bySource.set(source, (bySource.get(source) ?? 0) + bytesInOutput);
  }
  return [...bySource]
    .map(([source, bytes]) => ({ source, kb: Math.round(bytes / 102.4) / 10 }))
    .sort((a, b) => b.kb - a.kb);
};

const externalImports = (metafile: Metafile, outfile: string): string[] => {
  const output = Object.entries(metafile.outputs).find(([file]) => path.resolve(ROOT, file) === outfile)?.[1];
  return [
    ...new Set(
      (output?.imports ?? []).filter((i) => i.external && i.path.startsWith('@aws-sdk/')).map((i) => i.path),
    ),
  ];
};

export const bundlesScenario: Scenario = {
  name: SCENARIO,
  description:
    'Each Lambda bundle: minified size (esbuild as CDK NodejsFunction runs it) and cold require() time',
  run: async (context) => {
    rmSync(OUT, { recursive: true, force: true });
    mkdirSync(OUT, { recursive: true });
    const figures: Figure[] = [];
    try {
      // Node's own start-up, to subtract from the wall time of a child that also loads a bundle.
      runNode(['-e', ''], lambdaEnv('baseline', ''));
      const baselineMs = median(
        Array.from({ length: RUNS }, () => runNode(['-e', ''], lambdaEnv('baseline', '')).wallMs),
      );
      say(
        `node -e "" (process start-up, subtracted as the baseline): median ${baselineMs.toFixed(0)} ms of ${RUNS}`,
      );

      for (const variant of VARIANTS) {
        say(`${variant.label}${variant.judged ? '' : ' (informational, no target)'}:`);
        for (const [name, definition] of Object.entries(functions) as [FunctionName, { entry: string }][]) {
          const outfile = path.join(OUT, variant.key, name, 'index.js');
          const { metafile } = await build({
            entryPoints: [path.join(ROOT, definition.entry)],
            bundle: true,
            target: 'node22',
            platform: 'node',
            format: 'cjs',
            minify: true,
            external: variant.external,
            define: bundleDefines(name),
            sourcemap: variant.sourcemap,
            sourcesContent: variant.sourcemap ? false : undefined,
            outfile,
            metafile: true,
            logLevel: 'error',
            absWorkingDir: ROOT,
          });
          const sizeKb = statSync(outfile).size / 1024;
          const env = lambdaEnv(name, variant.nodeOptions);
          const top = contributors(metafile, outfile).slice(0, 5);
          const sdk = externalImports(metafile, outfile);
          // The external SDK packages alone, to split the require() time between them and the bundle. Runs of
          // the bundle and of the SDK alone alternate, so both see the same machine.
          const sdkLoader = LOADER.replace(
            'const mod = require(file);',
            `const mod = (${JSON.stringify(sdk)}).map((p) => require(p));`,
          );
          runNode(['-e', LOADER, outfile], env); // page cache warm-up, not counted
          const runs: ChildRun[] = [];
          const sdkRuns: number[] = [];
          for (let i = 0; i < RUNS; i++) {
            runs.push(runNode(['-e', LOADER, outfile], env));
            if (sdk.length) sdkRuns.push(runNode(['-e', sdkLoader, outfile, 'any'], env).requireMs);
          }
          const requireMs = median(runs.map((r) => r.requireMs));
          const requireMinMs = Math.min(...runs.map((r) => r.requireMs));
          const wallMs = median(runs.map((r) => r.wallMs));
          const sdkRequireMs = sdk.length ? median(sdkRuns) : 0;
          const sdkLoaded = runs[0].sdkLoaded;
          say(
            `  ${name.padEnd(9)} ${sizeKb.toFixed(0).padStart(5)} KB  require() median ${requireMs.toFixed(0)} ms, ` +
              `best ${requireMinMs.toFixed(0)} ms, loading ` +
              (sdkLoaded.length
                ? sdkLoaded.map((p) => p.replace('@aws-sdk/', '')).join(', ')
                : 'no SDK package') +
              (sdk.length
                ? ` (its external ${sdk.map((p) => p.replace('@aws-sdk/', '')).join(', ')} alone: median ` +
                  `${sdkRequireMs.toFixed(0)} ms, best ${Math.min(...sdkRuns).toFixed(0)} ms)`
                : '') +
              `; child wall ${wallMs.toFixed(0)} ms, net of node start-up ${(wallMs - baselineMs).toFixed(0)} ms`,
          );
          say(`            biggest parts: ${top.map((t) => `${t.source} ${t.kb} KB`).join(', ')}`);
          context.detail(`${variant.key}.${name}`, {
            entry: definition.entry,
            sizeKb,
            requireMsMedian: requireMs,
            requireMsRuns: runs.map((r) => r.requireMs),
            externalSdk: sdk,
            sdkLoadedByRequire: sdkLoaded,
            externalSdkRequireMsMedian: sdkRequireMs,
            externalSdkRequireMsRuns: sdkRuns,
            childWallMsMedian: wallMs,
            childWallNetMs: wallMs - baselineMs,
            nodeBaselineMs: baselineMs,
            biggestParts: top,
          });
          const suffix = variant.judged ? '' : ' [as deployed, info]';
          figures.push(
            {
              scenario: SCENARIO,
              name: `${name} size${suffix}`,
              value: sizeKb,
              unit: 'KB',
              target: variant.judged ? { op: '<=', value: targets.sizeKb } : undefined,
            },
            {
              scenario: SCENARIO,
              name: `${name} require()${suffix}`,
              value: requireMs,
              unit: 'ms',
              target: variant.judged ? { op: '<=', value: targets.requireMs } : undefined,
            },
          );
        }
      }
    } finally {
      rmSync(OUT, { recursive: true, force: true });
    }
    return figures;
  },
};
