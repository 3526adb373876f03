/**
 * Configuration as lib/platform.ts declares it: a function reads only what its definition gives it, checks
 * everything it declares when it starts, parses each kind one way, and takes the spec's default when unset.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { bundleDefines, environmentOf, FUNCTION_ENV, functions, type FunctionName } from '../../lib/platform';

type ConfigModule = typeof import('../../lambdas/runtime/config');

const ROOT = path.resolve(__dirname, '../..');
const saved = { ...process.env };

/** A fresh copy of the module (it remembers which functions it has checked), with exactly `env` set. */
const loadWith = (env: Record<string, string>): ConfigModule => {
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
  Object.assign(process.env, env);
  let loaded: ConfigModule | undefined;
  jest.isolateModules(() => {
    loaded = jest.requireActual('../../lambdas/runtime/config') as ConfigModule;
  });
  return loaded!;
};

/** Everything `fn` is given on AWS, with plausible values. */
const environmentFor = (fn: FunctionName): Record<string, string> =>
  Object.fromEntries(
    environmentOf(fn).map((name) => [
      name,
      {
        PUBLIC_BASE_URL: 'https://shop.example/',
        SIGNUP_RATE_LIMIT: '5',
        SES_CONFIGURATION_SET: 'events',
        EMAIL_SEND_RATE_PER_SECOND: '14',
        EMAIL_SEND_LEASE_SECONDS: '60',
        OUTBOX_GRACE_SECONDS: '60',
        ETA_DEBOUNCE_SECONDS: '600',
        DEFAULT_SENDER: 'Shop <shop@shop.example>',
        SENDER_IDENTITIES: 'shop.example',
        WEBHOOK_ALLOW_LOOPBACK: '0',
        INVENTORY_WEBHOOK_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:inventory',
        ORIGIN_VERIFY_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:origin',
        CLAIM_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:claim',
      }[name] ?? `value-of-${name}`,
    ]),
  );

afterEach(() => {
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
  Object.assign(process.env, saved);
});

const functionNames = Object.keys(functions) as FunctionName[];

describe('a function reads only what lib/platform.ts gives it', () => {
  test.each(functionNames)('%s starts with exactly its own environment', async (fn) => {
    const config = loadWith(environmentFor(fn));
    await expect(config.runAsFunction(fn, async () => 'ran')).resolves.toBe('ran');
  });

  test('a read of a variable the function is not given fails, naming both', async () => {
    const config = loadWith({ ...environmentFor('sealer'), ...environmentFor('sender') });
    // The sealer sends no email and has no base URL, even where the process (the local runner) has one.
    await expect(config.runAsFunction('sealer', async () => config.publicBaseUrl())).rejects.toThrow(
      'The sealer function reads PUBLIC_BASE_URL, which lib/platform.ts does not give it',
    );
    await expect(config.runAsFunction('sealer', async () => config.tableName('campaigns'))).rejects.toThrow(
      /sealer function reads TABLE_CAMPAIGNS/,
    );
    await expect(config.runAsFunction('sealer', async () => config.queueUrl('email'))).rejects.toThrow(
      /sealer function reads QUEUE_EMAIL_URL/,
    );
    await expect(config.runAsFunction('sender', async () => config.publicBaseUrl())).resolves.toBe(
      'https://shop.example',
    );
  });

  test('deployed, the function named by its environment is checked as the module loads', () => {
    const env = environmentFor('sender');
    delete (env as Record<string, string | undefined>).DEFAULT_SENDER;
    expect(() => loadWith({ ...env, [FUNCTION_ENV]: 'sender' })).toThrow(
      'The sender function cannot start: Missing required environment variable DEFAULT_SENDER',
    );
    const config = loadWith({ ...environmentFor('sender'), [FUNCTION_ENV]: 'sender' });
    expect(() => config.signupRateLimit()).toThrow(/sender function reads SIGNUP_RATE_LIMIT/);
    expect(() => loadWith({ [FUNCTION_ENV]: 'nobody' })).toThrow('PLATFORM_FUNCTION names no function');
  });

  test('a start lists every problem at once', async () => {
    const config = loadWith({
      ...environmentFor('adminApi'),
      PUBLIC_BASE_URL: 'shop.example',
      WEBHOOK_ALLOW_LOOPBACK: 'yes',
      SENDER_IDENTITIES: '*.example',
      ORIGIN_VERIFY_SECRET_ARN: 'secret',
      TABLE_BACKORDERS: '',
    });
    const started = config.runAsFunction('adminApi', async () => 'ran');
    await expect(started).rejects.toThrow('PUBLIC_BASE_URL must be an http(s) URL, got "shop.example"');
    await expect(started).rejects.toThrow('WEBHOOK_ALLOW_LOOPBACK must be "0" or "1", got "yes"');
    await expect(started).rejects.toThrow(
      'SENDER_IDENTITIES must list domains or addresses, got "*.example"',
    );
    await expect(started).rejects.toThrow('ORIGIN_VERIFY_SECRET_ARN must be a Secrets Manager ARN');
    await expect(started).rejects.toThrow('Missing required environment variable TABLE_BACKORDERS');
  });
});

describe('a deployed bundle, built with its own wiring only', () => {
  const fn = 'webhookSender';
  // Under node_modules, so the bundle finds the SDK packages it leaves out, as the Lambda runtime provides them.
  const dir = path.join(ROOT, 'node_modules', '.cache', `config-test-${process.pid}`);
  const bundle = path.join(dir, 'index.js');

  beforeAll(async () => {
    // As lib/platform-function.ts has CDK bundle it (the options that matter here).
    await build({
      entryPoints: [path.join(ROOT, functions[fn].entry)],
      absWorkingDir: ROOT,
      bundle: true,
      minify: true,
      platform: 'node',
      target: 'node22',
      format: 'cjs',
      external: ['@aws-sdk/*'],
      define: bundleDefines(fn),
      outfile: bundle,
      logLevel: 'silent',
    });
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Loads the bundle in a process of its own with exactly `env`, as Lambda starts it: its error, if any. */
  const start = (env: Record<string, string>): string => {
    const child = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(bundle)})`], {
      env: { PATH: process.env.PATH, AWS_REGION: 'eu-west-1', ...env },
      encoding: 'utf8',
    });
    return child.status === 0 ? '' : child.stderr;
  };

  test("holds no other function's declaration, nor its own description", () => {
    const code = fs.readFileSync(bundle, 'utf8');
    for (const other of Object.values(functions).filter((spec) => spec.name !== fn))
      expect(code).not.toContain(other.entry);
    expect(code).not.toContain(functions[fn].purpose);
  });

  test('starts with its own environment, and checks all of it as it loads', () => {
    expect(start({ ...environmentFor(fn), [FUNCTION_ENV]: fn })).toBe('');
    const env = environmentFor(fn);
    delete (env as Record<string, string | undefined>).WEBHOOK_ALLOW_LOOPBACK;
    delete (env as Record<string, string | undefined>).TABLE_WEBHOOKS;
    const refused = start({ ...env, [FUNCTION_ENV]: fn });
    expect(refused).toContain(
      `The ${fn} function cannot start: WEBHOOK_ALLOW_LOOPBACK must be "0" or "1", got ""; Missing required environment variable TABLE_WEBHOOKS`,
    );
  });

  test('refuses to run as another function', () => {
    expect(start({ ...environmentFor('sealer'), [FUNCTION_ENV]: 'sealer' })).toContain(
      'PLATFORM_FUNCTION names no function: "sealer"',
    );
  });
});

describe('values', () => {
  test('the spec default stands in for an unset variable', () => {
    const config = loadWith({});
    expect(config.signupRateLimit()).toBe(20);
    expect(config.emailSendLeaseMs()).toBe(60_000);
    expect(config.outboxGraceMs()).toBe(60_000);
    expect(config.sesConfigurationSet()).toBeUndefined();
  });

  test('a variable without a default is required, and numbers must be numbers', () => {
    const config = loadWith({ SIGNUP_RATE_LIMIT: 'many', EMAIL_SEND_RATE_PER_SECOND: '-1' });
    expect(() => config.defaultSender()).toThrow('Missing required environment variable DEFAULT_SENDER');
    expect(() => config.signupRateLimit()).toThrow(
      'SIGNUP_RATE_LIMIT must be a non-negative number, got "many"',
    );
    expect(() => config.emailSendRatePerSecond()).toThrow(
      /EMAIL_SEND_RATE_PER_SECOND must be a non-negative/,
    );
  });

  test('a secret comes from Secrets Manager, or locally as itself under the name without _ARN', () => {
    const arn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:inventory';
    expect(
      loadWith({ INVENTORY_WEBHOOK_SECRET_ARN: arn }).secretSource('INVENTORY_WEBHOOK_SECRET_ARN'),
    ).toEqual({
      arn,
    });
    expect(
      loadWith({ INVENTORY_WEBHOOK_SECRET: 's3cret' }).secretSource('INVENTORY_WEBHOOK_SECRET_ARN'),
    ).toEqual({
      secret: 's3cret',
    });
    expect(() => loadWith({}).secretSource('ORIGIN_VERIFY_SECRET_ARN')).toThrow(
      'Missing ORIGIN_VERIFY_SECRET_ARN (or ORIGIN_VERIFY_SECRET locally)',
    );
    expect(() =>
      loadWith({ ORIGIN_VERIFY_SECRET_ARN: 'origin' }).secretSource('ORIGIN_VERIFY_SECRET_ARN'),
    ).toThrow('ORIGIN_VERIFY_SECRET_ARN must be a Secrets Manager ARN, got "origin"');
  });

  test('a base URL loses its trailing slash; sender identities are lower-cased', () => {
    const config = loadWith({
      PUBLIC_BASE_URL: 'https://Shop.example/',
      SENDER_IDENTITIES: 'Shop.Example, a@b.example',
    });
    expect(config.publicBaseUrl()).toBe('https://Shop.example');
    expect(config.senderIdentities()).toEqual(['shop.example', 'a@b.example']);
    expect(loadWith({ SENDER_IDENTITIES: '*' }).senderIdentities()).toBe('*');
  });
});

test('no function code reads the environment except through the configuration module', () => {
  const offenders: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (file.endsWith('.ts') && !file.endsWith(path.join('runtime', 'config.ts'))) {
        if (/process\.env\b/.test(fs.readFileSync(file, 'utf8'))) offenders.push(path.relative(ROOT, file));
      }
    }
  };
  walk(path.join(ROOT, 'lambdas'));
  expect(offenders).toEqual([]);
});
