/**
 * Configuration, read from the environment the way lib/platform.ts declares it.
 *
 * A function may read only what its definition gives it (its tables, its queues, its `config` list): any
 * other read fails with a ConfigError naming the function and the variable. On AWS the function knows its
 * name from FUNCTION_ENV, and what it is given from its bundle, built with its own wiring only; the local
 * runner, which hosts every function in one process, runs each invocation inside `runAsFunction`, so every
 * local test fails on a read the deployed stack would not have set.
 * When a function starts (its first invocation locally) every variable it declares is read and checked at
 * once, so a missing or malformed value stops it with its name instead of surfacing later as an odd behaviour.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import {
  configVariables,
  FUNCTION_ENV,
  functionWiring,
  queueEnv,
  tableEnv,
  type ConfigKind,
  type ConfigName,
  type ConfigVariable,
  type FunctionName,
  type FunctionWiring,
  type QueueName,
  type TableName,
} from '../../lib/platform';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** A deployed bundle's own wiring, as JSON text (lib/platform.ts `bundleDefines`); undefined unbundled. */
declare const PLATFORM_FUNCTION_WIRING: string | undefined;

/** The one function a bundle was built for: its wiring, and no other name. */
const builtFor =
  (own: FunctionWiring) =>
  (fn: string): FunctionWiring | undefined =>
    fn === own.name ? own : undefined;

/**
 * A function's wiring (what it is given), undefined for a name that is no function. In a deployed bundle the
 * build's copy of its own; unbundled (the local runner hosting every function, tests) read from
 * lib/platform.ts. esbuild settles the test at build time and drops the other branch, and with it the
 * declarations of every function, table and queue that only it reads.
 */
const wiringOf: (fn: string) => FunctionWiring | undefined =
  typeof PLATFORM_FUNCTION_WIRING === 'string'
    ? builtFor(JSON.parse(PLATFORM_FUNCTION_WIRING) as FunctionWiring)
    : functionWiring;

const running = new AsyncLocalStorage<FunctionName>();
const allowed = new Map<FunctionName, ReadonlySet<string>>();

/** The function this code runs as: the local runner's invocation, or the Lambda's own; undefined in unit tests. */
const currentFunction = (): FunctionName | undefined => {
  const local = running.getStore();
  if (local) return local;
  const deployed = process.env[FUNCTION_ENV];
  if (deployed === undefined) return undefined;
  if (!wiringOf(deployed)) throw new ConfigError(`${FUNCTION_ENV} names no function: "${deployed}"`);
  return deployed as FunctionName;
};

/** The wiring of a function known to be one (the local runner's, or the Lambda's checked one). */
const wiring = (fn: FunctionName): FunctionWiring => {
  const found = wiringOf(fn);
  if (!found) throw new ConfigError(`No function is named "${fn}"`);
  return found;
};

const checkDeclared = (name: string): void => {
  const fn = currentFunction();
  if (fn === undefined) return;
  let names = allowed.get(fn);
  if (!names) allowed.set(fn, (names = new Set(wiring(fn).environment)));
  if (!names.has(name))
    throw new ConfigError(`The ${fn} function reads ${name}, which lib/platform.ts does not give it`);
};

const raw = (name: string): string | undefined => {
  checkDeclared(name);
  return process.env[name];
};

const required = (name: string): string => {
  const value = raw(name);
  if (value === undefined || value.trim() === '')
    throw new ConfigError(`Missing required environment variable ${name}`);
  return value;
};

/** Anything but a plain domain or address: wildcards, spaces, a second "@". */
const IDENTITY = /^(?:[^\s@,*]+@)?[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/;

type Parsed = {
  url: string;
  amount: number;
  text: string;
  requiredText: string;
  flag: boolean;
  identities: readonly string[] | '*';
  secretArn: { secret: string } | { arn: string };
};

const parsers: { [K in ConfigKind]: (name: string, value: string | undefined) => Parsed[K] } = {
  url: (name, value) => {
    const text = (value ?? '').trim();
    if (!/^https?:\/\/[^\s/]+/.test(text))
      throw new ConfigError(`${name} must be an http(s) URL, got "${text}"`);
    return text.replace(/\/+$/, '');
  },
  amount: (name, value) => {
    const number = Number(value);
    if (value === undefined || value.trim() === '' || !Number.isFinite(number) || number < 0)
      throw new ConfigError(`${name} must be a non-negative number, got "${value ?? ''}"`);
    return number;
  },
  text: (_name, value) => value ?? '',
  requiredText: (name, value) => {
    if (value === undefined || value.trim() === '')
      throw new ConfigError(`Missing required environment variable ${name}`);
    return value;
  },
  flag: (name, value) => {
    if (value !== '0' && value !== '1')
      throw new ConfigError(`${name} must be "0" or "1", got "${value ?? ''}"`);
    return value === '1';
  },
  identities: (name, value) => {
    const text = (value ?? '').trim();
    if (text === '') throw new ConfigError(`Missing required environment variable ${name}`);
    if (text === '*') return '*';
    const identities = text.split(',').map((identity) => identity.trim().toLowerCase());
    for (const identity of identities) {
      if (!IDENTITY.test(identity))
        throw new ConfigError(`${name} must list domains or addresses, got "${identity}"`);
    }
    return identities;
  },
  secretArn: (name, value) => {
    // Locally the secret itself, under the name without _ARN (the runner has no Secrets Manager).
    const localName = name.replace(/_ARN$/, '');
    const local = process.env[localName];
    if (local) return { secret: local };
    if (!value) throw new ConfigError(`Missing ${name} (or ${localName} locally)`);
    if (!/^arn:aws[a-z-]*:secretsmanager:/.test(value))
      throw new ConfigError(`${name} must be a Secrets Manager ARN, got "${value ?? ''}"`);
    return { arn: value };
  },
};

/**
 * A configuration variable, parsed as its kind; the spec's default when it is unset. Parsed on every read
 * (it is cheap), so a test that starts a second local platform with other values sees them.
 */
const setting = <N extends ConfigName>(name: N): Parsed[(typeof configVariables)[N]['kind']] => {
  const variable = configVariables[name] as ConfigVariable;
  return parsers[variable.kind](
    name,
    raw(name) ?? variable.default,
  ) as Parsed[(typeof configVariables)[N]['kind']];
};

/** Reads and checks every variable the function declares, once: a bad deployment stops at its first start. */
const checked = new Set<FunctionName>();
const checkAll = (fn: FunctionName): void => {
  if (checked.has(fn)) return;
  const problems: string[] = [];
  const { config, environment } = wiring(fn);
  for (const name of config) {
    try {
      setting(name);
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  for (const name of environment.filter((n) => !(n in configVariables))) {
    if (!process.env[name]?.trim()) problems.push(`Missing required environment variable ${name}`);
  }
  if (problems.length > 0) throw new ConfigError(`The ${fn} function cannot start: ${problems.join('; ')}`);
  checked.add(fn);
};

/** Runs one invocation as `fn`: the local runner's stand-in for a Lambda's own environment. */
export const runAsFunction = <T>(fn: FunctionName, invoke: () => Promise<T>): Promise<T> =>
  running.run(fn, async () => {
    checkAll(fn);
    return invoke();
  });

// On AWS the function's configuration is checked as its module loads: a bad deployment fails its cold start.
if (process.env[FUNCTION_ENV] !== undefined) checkAll(currentFunction()!);

export const tableName = (table: TableName): string => required(tableEnv(table));
export const queueUrl = (queue: QueueName): string => required(queueEnv(queue));

/** Base URL of the shopper pages, used in status and unsubscribe links (settings may override it). */
export const publicBaseUrl = (): string => setting('PUBLIC_BASE_URL');

/** Signups allowed per client address and per email address per minute; 0 turns the limit off. */
export const signupRateLimit = (): number => setting('SIGNUP_RATE_LIMIT');

/** SES configuration set for event publishing (bounces, complaints); empty locally. */
export const sesConfigurationSet = (): string | undefined => setting('SES_CONFIGURATION_SET') || undefined;

/**
 * How long a claimed send belongs to the worker that claimed it: long enough for one render and send, and
 * for SES's Send event to mark an accepted email sent if that worker died before recording it. Only then may
 * another worker take the email over.
 */
export const emailSendLeaseMs = (): number => setting('EMAIL_SEND_LEASE_SECONDS') * 1000;

/** The account's SES maximum send rate, configured rather than discovered by hammering SES. */
export const emailSendRatePerSecond = (): number => setting('EMAIL_SEND_RATE_PER_SECOND');

/** Sender used until a marketer saves sender details in the settings. */
export const defaultSender = (): string => setting('DEFAULT_SENDER');

/**
 * The SES identities (domains and addresses) the platform is allowed to send from, lower-cased. "*" stands
 * for every identity: only the local runner sets it, since its SES emulator verifies none; the stack refuses
 * it (lib/email.ts), so a deployed function always has a list.
 */
export const senderIdentities = (): readonly string[] | '*' => setting('SENDER_IDENTITIES');

/**
 * How long a state change's writer has to publish its outbox row before the scheduler does it instead
 * (lambdas/store/outbox-store.ts). A minute on AWS; tests shorten it.
 */
export const outboxGraceMs = (): number => setting('OUTBOX_GRACE_SECONDS') * 1000;

/** How long an expected date's window stays open before its waiting shoppers are told (lambdas/domain/eta.ts). */
export const etaDebounceMs = (): number => setting('ETA_DEBOUNCE_SECONDS') * 1000;

/**
 * Whether webhooks may go to loopback receivers (127.0.0.0/8, ::1, localhost), plain http included: "1" only
 * in the local runner, for the ERP receiver run next to `npm start`; "0" deployed, where nothing of the shop's
 * listens on the Lambda's own loopback and anything that does must not be reached.
 */
export const webhookAllowLoopback = (): boolean => setting('WEBHOOK_ALLOW_LOOPBACK');

/** Where a secret comes from: Secrets Manager on AWS, the runner's own value locally. */
export const secretSource = (
  name: 'INVENTORY_WEBHOOK_SECRET_ARN' | 'ORIGIN_VERIFY_SECRET_ARN' | 'CLAIM_SECRET_ARN',
): { secret: string } | { arn: string } => setting(name);

/** The Cognito user pool and console app client whose ID tokens sign staff in; empty locally. */
export const consoleUserPool = (): { userPoolId: string; clientId: string } | undefined => {
  const userPoolId = setting('CONSOLE_USER_POOL_ID').trim();
  const clientId = setting('CONSOLE_CLIENT_ID').trim();
  if (!userPoolId && !clientId) return undefined;
  if (!userPoolId || !clientId)
    throw new ConfigError('CONSOLE_USER_POOL_ID and CONSOLE_CLIENT_ID are set together or not at all');
  return { userPoolId, clientId };
};

/**
 * The local runner's console tokens, one per role (LOCAL_CONSOLE_TOKENS, JSON); empty on AWS, where the
 * stack never sets it (test/cdk). Checked at start: a malformed value would otherwise lock everyone out.
 */
export const localConsoleTokens = (): Record<string, string> => {
  const text = setting('LOCAL_CONSOLE_TOKENS').trim();
  if (text === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ConfigError('LOCAL_CONSOLE_TOKENS must be a JSON object of role → token');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new ConfigError('LOCAL_CONSOLE_TOKENS must be a JSON object of role → token');
  const tokens: Record<string, string> = {};
  for (const [role, token] of Object.entries(parsed)) {
    if (typeof token !== 'string' || !/^[\x21-\x7e]{16,512}$/.test(token))
      throw new ConfigError(`LOCAL_CONSOLE_TOKENS: the ${role} token must be 16 to 512 printable characters`);
    tokens[role] = token;
  }
  return tokens;
};
