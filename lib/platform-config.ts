/**
 * The configuration variables of the platform's declarative description (lib/platform.ts, which re-exports
 * this module): each one's kind, default and purpose. A function reads only those its definition lists.
 */

/** How a configuration value is read and checked (lambdas/runtime/config.ts parses each kind one way). */
export type ConfigKind =
  /** An absolute http(s) URL; a trailing slash is dropped. */
  | 'url'
  /** A whole or decimal number ≥ 0. */
  | 'amount'
  /** Text that may be empty. */
  | 'text'
  /** Text that must not be empty. */
  | 'requiredText'
  /** "0" or "1". */
  | 'flag'
  /** Domains and addresses, comma-separated, or "*" (every identity: the local runner only). */
  | 'identities'
  /**
   * A Secrets Manager ARN. The local runner, which has no Secrets Manager, passes the secret itself instead,
   * under the same name without `_ARN`.
   */
  | 'secretArn';

export interface ConfigVariable {
  kind: ConfigKind;
  /** The value when neither the stack nor the runner sets one; without it, a function that declares the
   * variable refuses to start when it is missing. */
  default?: string;
  purpose: string;
}

/**
 * Every plain configuration variable a function may read. A function reads only those its definition lists
 * in `config` (the runtime refuses any other, so a read the stack would not set fails in every local test),
 * and validates them all when it starts.
 */
export const configVariables = {
  PUBLIC_BASE_URL: {
    kind: 'url',
    purpose: 'Base URL of the shopper pages, for the links in emails and answers.',
  },
  SIGNUP_RATE_LIMIT: {
    kind: 'amount',
    default: '20',
    purpose: 'Signups allowed per client address and per email address per minute; 0 turns the limit off.',
  },
  SES_CONFIGURATION_SET: {
    kind: 'text',
    default: '',
    purpose: 'SES configuration set publishing send, bounce and complaint events; empty locally.',
  },
  EMAIL_SEND_RATE_PER_SECOND: {
    kind: 'amount',
    default: '14',
    purpose: "The account's SES send rate, shared out between the sending queues; 0 means unpaced.",
  },
  DEFAULT_SENDER: {
    kind: 'requiredText',
    purpose: 'The From used until a marketer saves one; SENDER_IDENTITIES must cover it.',
  },
  INVENTORY_WEBHOOK_SECRET_ARN: { kind: 'secretArn', purpose: "The inventory webhook's shared HMAC secret." },
  WEBHOOK_ALLOW_LOOPBACK: {
    kind: 'flag',
    purpose:
      '"1" lets webhooks go to loopback receivers over plain http: the local runner only, never deployed.',
  },
  ORIGIN_VERIFY_SECRET_ARN: {
    kind: 'secretArn',
    purpose:
      'The secret CloudFront puts on every /api/* request (ORIGIN_VERIFY_HEADER); the API refuses the rest.',
  },
  CLAIM_SECRET_ARN: {
    kind: 'secretArn',
    purpose: 'The key of the claim codes a shop checkout verifies (HMAC-SHA256 of the backorder id).',
  },
  SENDER_IDENTITIES: {
    kind: 'identities',
    purpose: 'SES identities (domains, addresses) the platform may send from: the console refuses any other.',
  },
  EMAIL_SEND_LEASE_SECONDS: {
    kind: 'amount',
    default: '60',
    purpose:
      'How long a claimed send belongs to its worker before another may take it over; tests shorten it.',
  },
  CONSOLE_USER_POOL_ID: {
    kind: 'text',
    default: '',
    purpose:
      'The Cognito user pool whose ID tokens sign staff in to the console; empty locally (no Cognito).',
  },
  CONSOLE_CLIENT_ID: {
    kind: 'text',
    default: '',
    purpose: "The console's Cognito app client: the audience an ID token must be issued for.",
  },
  LOCAL_CONSOLE_TOKENS: {
    kind: 'text',
    default: '',
    purpose:
      'The local runner only, never deployed (on AWS staff sign in with Cognito): each console role\'s bearer token, as JSON {"admin":"…","marketer":"…","support":"…"}.',
  },
  OUTBOX_GRACE_SECONDS: {
    kind: 'amount',
    default: '60',
    purpose: "How long a state change's writer has to publish its outbox row before the scheduler does.",
  },
  ETA_DEBOUNCE_SECONDS: {
    kind: 'amount',
    default: '600',
    purpose:
      "How long after a product's expected date first changes its waiting shoppers are told: more changes within it make one email with the last date.",
  },
} as const satisfies Record<string, ConfigVariable>;
export type ConfigName = keyof typeof configVariables;
export const configNames = Object.keys(configVariables) as ConfigName[];
type ConfigWithoutDefault = {
  [K in ConfigName]: (typeof configVariables)[K] extends { default: string } ? never : K;
}[ConfigName];
/** Values a deployment gives: every variable without a default must have one (a compile error otherwise). */
export type ConfigValues = Record<ConfigWithoutDefault, string> & Partial<Record<ConfigName, string>>;
