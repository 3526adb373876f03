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
