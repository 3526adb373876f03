/**
 * Configuration read from the environment once, on first use, and validated: a missing or malformed value
 * fails loudly with its name instead of surfacing later as an odd behaviour.
 */
import { queueEnv, tableEnv, type QueueName, type TableName } from '../../lib/platform';

const cache = new Map<string, string>();

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const required = (name: string): string => {
  const cached = cache.get(name);
  if (cached !== undefined) return cached;
  const value = process.env[name];
  if (value === undefined || value.trim() === '')
    throw new ConfigError(`Missing required environment variable ${name}`);
  cache.set(name, value);
  return value;
};

const nonNegativeNumber = (name: string, fallback: number): number => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0)
    throw new ConfigError(`${name} must be a non-negative number, got "${raw}"`);
  return value;
};

export const tableName = (table: TableName): string => required(tableEnv(table));
export const queueUrl = (queue: QueueName): string => required(queueEnv(queue));

/** Base URL of the shopper pages, used in status and unsubscribe links (settings may override it). */
export const publicBaseUrl = (): string => required('PUBLIC_BASE_URL').replace(/\/+$/, '');

/** Signups allowed per client address and per email address per minute; 0 turns the limit off. */
export const signupRateLimit = (): number => nonNegativeNumber('SIGNUP_RATE_LIMIT', 20);

/** SES configuration set for event publishing (bounces, complaints); empty locally. */
export const sesConfigurationSet = (): string | undefined => process.env.SES_CONFIGURATION_SET || undefined;

/**
 * How long a claimed send belongs to the worker that claimed it: long enough for one render and send, and
 * for SES's Send event to mark an accepted email sent if that worker died before recording it. Only then may
 * another worker take the email over.
 */
export const emailSendLeaseMs = (): number => nonNegativeNumber('EMAIL_SEND_LEASE_SECONDS', 60) * 1000;

/** The account's SES maximum send rate, configured rather than discovered by hammering SES. */
export const emailSendRatePerSecond = (): number => nonNegativeNumber('EMAIL_SEND_RATE_PER_SECOND', 14);

/** Sender used until a marketer saves sender details in the settings. */
export const defaultSender = (): string => process.env.DEFAULT_SENDER || 'Backorders <no-reply@example.com>';

/** Anything but a plain domain or address: wildcards, spaces, a second "@". */
const IDENTITY = /^(?:[^\s@,*]+@)?[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/;

/**
 * The SES identities (domains and addresses, comma-separated) the platform is allowed to send from, lower-cased.
 * "*" stands for every identity: only the local runner sets it, since its SES emulator verifies none; the
 * stack refuses it (lib/email.ts), so a deployed function always has a list.
 */
export const senderIdentities = (): readonly string[] | '*' => {
  const raw = required('SENDER_IDENTITIES').trim();
  if (raw === '*') return '*';
  const identities = raw.split(',').map((identity) => identity.trim().toLowerCase());
  for (const identity of identities) {
    if (!IDENTITY.test(identity))
      throw new ConfigError(`SENDER_IDENTITIES must list domains or addresses, got "${identity}"`);
  }
  return identities;
};

/**
 * How long a state change's writer has to publish its outbox row before the scheduler does it instead
 * (lambdas/store/outbox-store.ts). A minute on AWS; tests shorten it.
 */
export const outboxGraceMs = (): number => nonNegativeNumber('OUTBOX_GRACE_SECONDS', 60) * 1000;

/**
 * Whether webhooks may go to loopback receivers (127.0.0.0/8, ::1, localhost), plain http included: "1" only
 * in the local runner, for the ERP receiver run next to `npm start`; "0" deployed, where nothing of the shop's
 * listens on the Lambda's own loopback and anything that does must not be reached.
 */
export const webhookAllowLoopback = (): boolean => {
  const value = required('WEBHOOK_ALLOW_LOOPBACK');
  if (value !== '0' && value !== '1')
    throw new ConfigError(`WEBHOOK_ALLOW_LOOPBACK must be "0" or "1", got "${value}"`);
  return value === '1';
};
