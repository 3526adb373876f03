/**
 * Configuration as lib/platform.ts declares it: a function reads only what its definition gives it, checks
 * everything it declares when it starts, parses each kind one way, and takes the spec's default when unset.
 */
import fs from 'node:fs';
import path from 'node:path';
import { environmentOf, FUNCTION_ENV, functions, type FunctionName } from '../../lib/platform';

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
