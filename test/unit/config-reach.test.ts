/**
 * What each function's code can read, found without running it: every module esbuild would bundle into the
 * function (its entry's import graph), searched for the configuration module's readers. Every variable
 * reachable that way must be one lib/platform.ts gives the function, or the deployed function would fail (or,
 * before readers were checked, silently fall back) on a path the local tests happen not to take. The runtime
 * check (lambdas/runtime/config.ts) covers the paths the tests take; this one covers the rest.
 *
 * Configuration variables only: tables and queues are read through store modules that serve several
 * functions, so module-level reach would name tables a function never touches (and granting them would widen
 * its IAM role). A table or queue read the spec does not give fails loudly at once, in every local test that
 * takes the path; a configuration variable with a default would not, which is why it is searched for here.
 */
import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { bundleDefines, environmentOf, functions, type FunctionName } from '../../lib/platform';

const ROOT = path.resolve(__dirname, '../..');
const CONFIG_MODULE = 'lambdas/runtime/config.ts';

/** The configuration module's readers and the variable each reads, from its own source. */
const readers = (): Map<string, string> => {
  const source = fs.readFileSync(path.join(ROOT, CONFIG_MODULE), 'utf8');
  const found = new Map<string, string>();
  for (const [, reader, variable] of source.matchAll(
    /export const (\w+) = (?:(?!export const)[\s\S])*?setting\('([A-Z_]+)'\)/g,
  ))
    found.set(reader, variable);
  return found;
};

/**
 * Modules of lambdas/ bundled into the function. The build is the deployed one (every package bundled but the
 * SDK the Lambda runtime ships, as lib/platform-function.ts bundles), so a function whose import graph does not
 * bundle fails here, without the CDK tests running esbuild once per function.
 */
const modulesOf = async (fn: FunctionName): Promise<string[]> => {
  const result = await build({
    entryPoints: [path.join(ROOT, functions[fn].entry)],
    absWorkingDir: ROOT,
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    external: ['@aws-sdk/*'],
    define: bundleDefines(fn),
    logLevel: 'silent',
  });
  return Object.keys(result.metafile.inputs).filter((input) => input.startsWith('lambdas/'));
};

/** The configuration variables the code of these modules reads. */
const readsIn = (modules: string[], byReader: Map<string, string>): Set<string> => {
  const reads = new Set<string>();
  for (const module of modules.filter((m) => m !== CONFIG_MODULE)) {
    const source = fs.readFileSync(path.join(ROOT, module), 'utf8');
    for (const [reader, variable] of byReader)
      if (new RegExp(`\\b${reader}\\(`).test(source)) reads.add(variable);
    for (const [, variable] of source.matchAll(/\bsecretSource\('([A-Z_]+)'\)/g)) reads.add(variable);
  }
  return reads;
};

const byReader = readers();

test('the configuration module has a reader for every kind of read', () => {
  // If this finds none, the search below would find nothing and pass: it must see the readers.
  expect([...byReader.keys()]).toEqual(
    expect.arrayContaining(['publicBaseUrl', 'defaultSender', 'emailSendLeaseMs', 'outboxGraceMs']),
  );
});

test.each(Object.keys(functions) as FunctionName[])(
  '%s: everything its code can read is given to it',
  async (fn) => {
    const modules = await modulesOf(fn);
    expect(modules.length).toBeGreaterThan(3);
    const given = new Set(environmentOf(fn));
    const missing = [...readsIn(modules, byReader)].filter((name) => !given.has(name)).sort();
    expect(missing).toEqual([]);
  },
);
