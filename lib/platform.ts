/**
 * The one declarative description of the platform: tables, queues, functions and routes.
 *
 * The CDK stack (lib/) and the local runner (local/) both read this module, so a route, a queue or a table
 * is named exactly once. Handlers never import it for wiring: they read the environment variables whose
 * names `tableEnv` / `queueEnv` produce, which both the stack and the runner set.
 */

export type AttributeType = 'S' | 'N';

export type TableName =
  | 'settings'
  | 'products'
  | 'backorders'
  | 'ledger'
  | 'campaigns'
  | 'enrolments'
  | 'webhooks'
  | 'webhookDeliveries'
  | 'suppliers'
  | 'supplierBatches'
  | 'outbox'
  | 'queues'
  | 'imports'
  | 'apiKeys'
  | 'connectorDeliveries';
export type QueueName =
  'email' | 'nurture' | 'enrolment' | 'restock' | 'alert' | 'webhook' | 'feedback' | 'seal' | 'import';
export type FunctionName =
  | 'publicApi'
  | 'adminApi'
  | 'inventoryApi'
  | 'sender'
  | 'nurturer'
  | 'scheduler'
  | 'enroller'
  | 'allocator'
  | 'alerter'
  | 'webhookSender'
  | 'feedback'
  | 'sealer'
  | 'importer'
  | 'authorizer'
  | 'exporter';

export interface KeyDefinition {
  name: string;
  type: AttributeType;
}

export interface IndexDefinition {
  name: string;
  partitionKey: KeyDefinition;
  sortKey?: KeyDefinition;
  /** ALL, KEYS_ONLY, or the list of non-key attributes to project. */
  projection: 'ALL' | 'KEYS_ONLY' | string[];
}

export interface TableDefinition {
  /** Logical name; physical names are prefixed per stage (CDK) or per run (local). */
  name: string;
  partitionKey: KeyDefinition;
  sortKey?: KeyDefinition;
  indexes: IndexDefinition[];
  /** Attribute holding an epoch-seconds expiry, for rows that are only needed for a while. */
  timeToLiveAttribute?: string;
  purpose: string;
}

export interface QueueDefinition {
  name: string;
  /** Function invoked with batches of this queue's messages (as a Lambda SQS event source). */
  consumer: FunctionName;
  batchSize: number;
  /** Seconds a received message stays invisible; at least six times the consumer's timeout on AWS. */
  visibilityTimeoutSeconds: number;
  /** Deliveries before a message moves to the queue's dead-letter queue. */
  maxReceiveCount: number;
  /** Batches handled at once (Lambda event source maximum concurrency, at least 2; local pollers). */
  maxConcurrency: number;
  /**
   * For queues whose consumer sends email: its share of the account's SES send rate. The shares add up to 1,
   * so a restock burst and everyday email together never exceed the configured rate.
   */
  sendRateShare?: number;
  purpose: string;
}

export type Access = 'read' | 'readWrite';

export interface FunctionDefinition {
  name: string;
  /** Path of the handler module, relative to the repository root; it exports `handler`. */
  entry: string;
  memoryMb: number;
  timeoutSeconds: number;
  tables: Partial<Record<TableName, Access>>;
  /** Queues this function sends to. */
  sendsTo: QueueName[];
  /** Whether the function sends email through SES. */
  sendsEmail: boolean;
  /** Plain configuration variables it needs (validated at start-up by lambdas/runtime/config.ts). */
  config: ConfigName[];
  purpose: string;
}

export type RouteAuth = 'public' | 'admin';

export interface RouteDefinition {
  /** `OPTIONS`: a CORS preflight of a route the storefront embed calls (lambdas/domain/cors.ts). */
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'OPTIONS';
  /** API Gateway v2 path template, e.g. /api/products/{sku}. */
  path: string;
  function: FunctionName;
  auth: RouteAuth;
  /**
   * Answered as a stream, larger than API Gateway's Lambda integration can carry (6 MB, buffered): such a route
   * is not on API Gateway; CloudFront sends its path to the function's URL (invoke mode RESPONSE_STREAM, lib/web.ts),
   * and the function checks the origin secret and the caller itself. A literal path, without parameters.
   */
  streamed?: true;
}

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
} as const satisfies Record<string, ConfigVariable>;
export type ConfigName = keyof typeof configVariables;
export const configNames = Object.keys(configVariables) as ConfigName[];
type ConfigWithoutDefault = {
  [K in ConfigName]: (typeof configVariables)[K] extends { default: string } ? never : K;
}[ConfigName];
/** Values a deployment gives: every variable without a default must have one (a compile error otherwise). */
export type ConfigValues = Record<ConfigWithoutDefault, string> & Partial<Record<ConfigName, string>>;

/** The environment variable naming the function a Lambda runs, so its runtime knows what it may read. */
export const FUNCTION_ENV = 'PLATFORM_FUNCTION';

export const tables = {
  settings: {
    name: 'settings',
    partitionKey: { name: 'name', type: 'S' },
    indexes: [],
    purpose:
      "Site-wide settings: backorder policy, double opt-in, sender, public base URL, embed origins; the store connectors' secrets in a row of their own.",
  },
  products: {
    name: 'products',
    partitionKey: { name: 'sku', type: 'S' },
    indexes: [
      {
        // Sparse: only SKUs that are variants of a product (`productId`) are in it. It projects what a variant
        // picker shows, so the allocation's frequent writes to stock and run bookkeeping never touch it.
        name: 'byProduct',
        partitionKey: { name: 'productId', type: 'S' },
        sortKey: { name: 'sku', type: 'S' },
        projection: ['name', 'options', 'backorders'],
      },
    ],
    purpose:
      'Products: name, variant of which product, free stock, restock date, per-product backorder policy.',
  },
  backorders: {
    name: 'backorders',
    partitionKey: { name: 'id', type: 'S' },
    indexes: [
      {
        // Sparse: `waitingKey` exists only while a backorder waits, so this index is the FIFO queue per SKU,
        // in LIST_SHARDS partitions (`skuShard` = `<sku>#<n>`) merged by `waitingKey` on reading.
        name: 'waitingBySku',
        partitionKey: { name: 'skuShard', type: 'S' },
        sortKey: { name: 'waitingKey', type: 'S' },
        projection: ['quantity'],
      },
      {
        name: 'bySku',
        partitionKey: { name: 'skuShard', type: 'S' },
        sortKey: { name: 'queueKey', type: 'S' },
        projection: 'ALL',
      },
      {
        name: 'byEmail',
        partitionKey: { name: 'emailKey', type: 'S' },
        sortKey: { name: 'queueKey', type: 'S' },
        projection: 'ALL',
      },
      {
        // Every backorder, in LIST_SHARDS partitions (`listPartition` = `all#<n>`).
        name: 'byCreated',
        partitionKey: { name: 'listPartition', type: 'S' },
        sortKey: { name: 'queueKey', type: 'S' },
        projection: 'ALL',
      },
    ],
    purpose: 'Backorders, their status and event history.',
  },
  ledger: {
    name: 'ledger',
    partitionKey: { name: 'key', type: 'S' },
    indexes: [
      {
        // Sparse: only email send records carry a recipient; customer service lists what a shopper was sent.
        name: 'byRecipient',
        partitionKey: { name: 'recipientKey', type: 'S' },
        sortKey: { name: 'claimedAt', type: 'S' },
        projection: 'ALL',
      },
    ],
    timeToLiveAttribute: 'expiresAt',
    purpose:
      'Rows that make "only once" and "at most N" rules conditional writes: signup claims, rate-limit windows, email send records.',
  },
  campaigns: {
    name: 'campaigns',
    partitionKey: { name: 'id', type: 'S' },
    indexes: [],
    purpose: 'Nurture campaigns: audience and the sequence of email steps.',
  },
  enrolments: {
    name: 'enrolments',
    partitionKey: { name: 'backorderId', type: 'S' },
    sortKey: { name: 'campaignId', type: 'S' },
    indexes: [
      {
        // Sparse, time-bucketed and write-sharded: the sweeper's "next step due" index.
        name: 'dueByBucket',
        partitionKey: { name: 'dueBucket', type: 'S' },
        sortKey: { name: 'dueKey', type: 'S' },
        projection: ['nextStepId', 'nextStepIndex'],
      },
    ],
    purpose: 'One row per backorder and campaign: the next nurture step and when it is due.',
  },
  webhooks: {
    name: 'webhooks',
    partitionKey: { name: 'id', type: 'S' },
    indexes: [],
    purpose: 'Outbound webhook endpoints: URL, signing secret, subscribed events.',
  },
  connectorDeliveries: {
    name: 'connectorDeliveries',
    partitionKey: { name: 'connector', type: 'S' },
    sortKey: { name: 'deliveryKey', type: 'S' },
    indexes: [],
    timeToLiveAttribute: 'expiresAt',
    purpose:
      "The store connectors' recent deliveries, accepted or refused and why: what the console shows (lambdas/store/connector-store.ts).",
  },
  webhookDeliveries: {
    name: 'webhookDeliveries',
    partitionKey: { name: 'webhookId', type: 'S' },
    sortKey: { name: 'deliveryKey', type: 'S' },
    indexes: [],
    timeToLiveAttribute: 'expiresAt',
    purpose: 'Each outbound webhook delivery and its attempts: what the console shows, failures included.',
  },
  suppliers: {
    name: 'suppliers',
    partitionKey: { name: 'id', type: 'S' },
    indexes: [],
    purpose: 'Suppliers: name, email, batch schedule and minimum units; the watermark of their last batch.',
  },
  supplierBatches: {
    name: 'supplierBatches',
    partitionKey: { name: 'supplierId', type: 'S' },
    sortKey: { name: 'batchId', type: 'S' },
    indexes: [],
    purpose: 'Each batch of demand sent to a supplier: its lines, the window it covers, when it was sent.',
  },
  outbox: {
    name: 'outbox',
    partitionKey: { name: 'id', type: 'S' },
    indexes: [
      {
        // Sharded: every outbox row, oldest due first, for the scheduler to publish what a writer left (a row
        // lives milliseconds when its writer publishes it).
        name: 'pendingByShard',
        partitionKey: { name: 'pendingShard', type: 'S' },
        sortKey: { name: 'dueAt', type: 'S' },
        projection: 'ALL',
      },
    ],
    purpose:
      "Messages a state change owes (confirmation, webhook event, allocation request), written in the change's own transaction and deleted once published.",
  },
  queues: {
    name: 'queues',
    partitionKey: { name: 'key', type: 'S' },
    indexes: [],
    timeToLiveAttribute: 'expiresAt',
    purpose:
      "Each product's queue bookkeeping: ticket counters, waiting tickets per page, sealed books' counts (lambdas/store/queue-store.ts).",
  },
  imports: {
    name: 'imports',
    partitionKey: { name: 'key', type: 'S' },
    indexes: [],
    timeToLiveAttribute: 'expiresAt',
    purpose:
      'Product CSV imports, for 30 days: each report (counts, errors, chunks counted) and the rows of its chunks (lambdas/store/import-store.ts).',
  },
  apiKeys: {
    name: 'apiKeys',
    partitionKey: { name: 'id', type: 'S' },
    indexes: [],
    timeToLiveAttribute: 'expiresAt',
    purpose:
      "Machines' API keys: name, scopes, the secret's hash, last use; revoked ones until they expire (lambdas/store/api-key-store.ts).",
  },
} as const satisfies Record<TableName, TableDefinition>;

export const queues = {
  email: {
    name: 'email',
    consumer: 'sender',
    batchSize: 10,
    visibilityTimeoutSeconds: 180,
    // Throttled sends back off 2 s, 4 s … 128 s: eight tries ride out about four minutes of throttling.
    maxReceiveCount: 8,
    // With the sender pacing itself per instance, the account's SES rate is this times the configured rate.
    maxConcurrency: 2,
    // The shares of the three sending queues add up to 1. Transactional email is light but must go out at
    // once; nurture steps come in bursts that may take a while: each queue has its own share, so neither
    // waits behind (or starves) the other, and the larger one keeps a burst of signups moving.
    sendRateShare: 0.15,
    purpose: 'Transactional email: confirmations, status links, test sends, supplier batches.',
  },
  nurture: {
    name: 'nurture',
    consumer: 'nurturer',
    batchSize: 10,
    visibilityTimeoutSeconds: 180,
    maxReceiveCount: 8,
    // Its own queue: the thousands of steps a sweep may queue at once never hold up a confirmation.
    maxConcurrency: 2,
    sendRateShare: 0.1,
    purpose: 'Nurture (marketing) email: the campaign steps the sweeper finds due.',
  },
  enrolment: {
    name: 'enrolment',
    consumer: 'enroller',
    batchSize: 1,
    visibilityTimeoutSeconds: 360,
    maxReceiveCount: 5,
    maxConcurrency: 2,
    purpose: 'Pages of campaign enrolment jobs: shoppers already waiting when a campaign is activated.',
  },
  restock: {
    name: 'restock',
    consumer: 'allocator',
    // One page of a SKU's waiting queue per message; the page's continuation is the next message.
    batchSize: 1,
    visibilityTimeoutSeconds: 360,
    maxReceiveCount: 5,
    maxConcurrency: 2,
    purpose: 'Allocation runs: free units to waiting backorders oldest first, one page per message.',
  },
  alert: {
    name: 'alert',
    consumer: 'alerter',
    batchSize: 10,
    visibilityTimeoutSeconds: 180,
    maxReceiveCount: 8,
    // Its own queue and concurrency: a burst of restock alerts never waits behind (or starves) confirmations.
    maxConcurrency: 4,
    sendRateShare: 0.75,
    purpose: 'Restock alerts: one email per allocated backorder.',
  },
  webhook: {
    name: 'webhook',
    consumer: 'webhookSender',
    batchSize: 10,
    visibilityTimeoutSeconds: 60,
    // Backoff doubles from 10 s to 15 min: ten tries span about an hour before the dead-letter queue.
    maxReceiveCount: 10,
    maxConcurrency: 4,
    purpose:
      'Outbound webhook deliveries: one message per event and endpoint, so endpoints never wait on each other.',
  },
  feedback: {
    name: 'feedback',
    consumer: 'feedback',
    batchSize: 10,
    visibilityTimeoutSeconds: 60,
    maxReceiveCount: 5,
    maxConcurrency: 2,
    purpose: 'SES bounce and complaint notifications (SES -> SNS -> SQS).',
  },
  seal: {
    name: 'seal',
    consumer: 'sealer',
    batchSize: 10,
    visibilityTimeoutSeconds: 180,
    // A book still issuing is tried again a little later; a lost request is repeated by the next book's.
    maxReceiveCount: 10,
    maxConcurrency: 2,
    purpose: "Requests to seal a product's full books of tickets, so places stay a few reads at any depth.",
  },
  import: {
    name: 'import',
    consumer: 'importer',
    // One chunk (up to 100 rows) per invocation: a redelivery repeats one chunk, and four at once write
    // 10 000 rows in seconds without crowding the products table's other writers.
    batchSize: 1,
    visibilityTimeoutSeconds: 360,
    maxReceiveCount: 5,
    maxConcurrency: 4,
    purpose:
      'Chunks of product CSV imports: up to 100 rows each, upserted by SKU and counted into the report once.',
  },
} as const satisfies Record<QueueName, QueueDefinition>;

/** What every function that sends email reads: links, SES events, its share of the send rate, the claim lease, the From. */
const MAILER_CONFIG: ConfigName[] = [
  'PUBLIC_BASE_URL',
  'SES_CONFIGURATION_SET',
  'EMAIL_SEND_RATE_PER_SECOND',
  'EMAIL_SEND_LEASE_SECONDS',
  'DEFAULT_SENDER',
];

export const functions = {
  publicApi: {
    name: 'publicApi',
    entry: 'lambdas/public-api/handler.ts',
    memoryMb: 512,
    timeoutSeconds: 10,
    tables: {
      settings: 'read',
      products: 'read',
      backorders: 'readWrite',
      ledger: 'readWrite',
      campaigns: 'read',
      enrolments: 'readWrite',
      webhooks: 'read',
      // A shopper's data export lists the webhook deliveries about their backorders.
      webhookDeliveries: 'read',
      outbox: 'readWrite',
      // Tickets and places in the queue.
      queues: 'readWrite',
    },
    // restock: a signup or a cancel that meets free units starts an allocation; webhook: backorder.cancelled;
    // seal: a signup whose ticket starts a new book asks for the full ones to be sealed.
    sendsTo: ['email', 'restock', 'webhook', 'seal'],
    sendsEmail: false,
    // DEFAULT_SENDER: the shop name the product page and confirmation show before any sender is saved.
    config: [
      'PUBLIC_BASE_URL',
      'SIGNUP_RATE_LIMIT',
      'DEFAULT_SENDER',
      'OUTBOX_GRACE_SECONDS',
      'ORIGIN_VERIFY_SECRET_ARN',
    ],
    purpose: 'Shopper routes: product page data, signup, status, cancel, health.',
  },
  adminApi: {
    name: 'adminApi',
    entry: 'lambdas/admin-api/handler.ts',
    memoryMb: 512,
    timeoutSeconds: 10,
    tables: {
      settings: 'readWrite',
      products: 'readWrite',
      backorders: 'readWrite',
      ledger: 'readWrite',
      campaigns: 'readWrite',
      enrolments: 'readWrite',
      webhooks: 'readWrite',
      webhookDeliveries: 'read',
      // The store connectors' deliveries, listed in the console.
      connectorDeliveries: 'read',
      suppliers: 'readWrite',
      supplierBatches: 'readWrite',
      outbox: 'readWrite',
      // A cancel or fulfil takes the ticket out of the queue's counts.
      queues: 'readWrite',
      // API keys: made and revoked in the console; every request with one checks it is still live.
      apiKeys: 'readWrite',
      // Product CSV imports: the report and chunks a request stores, the report it reads back.
      imports: 'readWrite',
    },
    // import: a product CSV import's chunks.
    sendsTo: ['email', 'enrolment', 'restock', 'webhook', 'import'],
    sendsEmail: false,
    // DEFAULT_SENDER: the From the console shows before any is saved, which SENDER_IDENTITIES must cover.
    config: [
      'PUBLIC_BASE_URL',
      'WEBHOOK_ALLOW_LOOPBACK',
      'DEFAULT_SENDER',
      'SENDER_IDENTITIES',
      'OUTBOX_GRACE_SECONDS',
      'ORIGIN_VERIFY_SECRET_ARN',
    ],
    purpose:
      'Console routes: settings, products, inventory, campaigns, webhooks, backorder lookup, cancel and fulfil.',
  },
  inventoryApi: {
    name: 'inventoryApi',
    entry: 'lambdas/inventory-api/handler.ts',
    memoryMb: 256,
    timeoutSeconds: 10,
    // Only what a stock update touches: the signed webhooks reach nothing else. settings: the store
    // connectors' secrets (read only); connectorDeliveries: each store delivery recorded for the console.
    tables: {
      products: 'readWrite',
      ledger: 'readWrite',
      settings: 'read',
      connectorDeliveries: 'readWrite',
    },
    sendsTo: ['restock'],
    sendsEmail: false,
    config: ['INVENTORY_WEBHOOK_SECRET_ARN', 'ORIGIN_VERIFY_SECRET_ARN'],
    purpose:
      "Stock webhooks: the ERP's and the stores' (Shopify, WooCommerce), HMAC-verified stock updates that start allocation.",
  },
  sender: {
    name: 'sender',
    entry: 'lambdas/sender/handler.ts',
    memoryMb: 512,
    timeoutSeconds: 30,
    tables: {
      settings: 'read',
      products: 'read',
      backorders: 'readWrite',
      ledger: 'readWrite',
      campaigns: 'read',
      enrolments: 'readWrite',
      webhooks: 'read',
      suppliers: 'read',
      // Marks a supplier batch's email sent.
      supplierBatches: 'readWrite',
      // The place in the queue a confirmation shows.
      queues: 'read',
    },
    // webhook: backorder.created goes out once the confirmation is sent (and again if that is retried).
    sendsTo: ['webhook'],
    sendsEmail: true,
    config: MAILER_CONFIG,
    purpose: 'Email queue consumer (transactional email): send ledger, MIME rendering, SES SendRawEmail.',
  },
  nurturer: {
    name: 'nurturer',
    entry: 'lambdas/nurturer/handler.ts',
    memoryMb: 512,
    timeoutSeconds: 30,
    // Only what a nurture step reads and writes: the backorder (a fresh status token), the campaign, the
    // enrolment it moves on, the send ledger and suppression list, the product and sender settings it shows.
    tables: {
      settings: 'read',
      products: 'read',
      backorders: 'readWrite',
      ledger: 'readWrite',
      campaigns: 'read',
      enrolments: 'readWrite',
      // The shopper's place in the queue, which a step may show.
      queues: 'read',
    },
    sendsTo: [],
    sendsEmail: true,
    config: MAILER_CONFIG,
    purpose: 'Nurture queue consumer: one campaign step per message, through the same mailer as the sender.',
  },
  scheduler: {
    name: 'scheduler',
    entry: 'lambdas/scheduler/handler.ts',
    memoryMb: 512,
    timeoutSeconds: 300,
    tables: {
      settings: 'readWrite',
      enrolments: 'readWrite',
      products: 'read',
      backorders: 'read',
      ledger: 'readWrite',
      suppliers: 'readWrite',
      supplierBatches: 'readWrite',
      // The outbox sweep: rows a writer left unpublished, and the endpoints their events go to.
      outbox: 'readWrite',
      webhooks: 'read',
    },
    // nurture: the steps that fell due; email: suppliers' batches and confirmations left in the outbox;
    // webhook and restock: events and allocation requests left in the outbox.
    // import: the chunks of a product import whose request died before queuing them.
    sendsTo: ['email', 'nurture', 'webhook', 'restock', 'import'],
    sendsEmail: false,
    config: ['OUTBOX_GRACE_SECONDS'],
    purpose:
      'Every minute: sweeps nurture steps that fell due, sends suppliers their batches on schedule, and publishes outbox rows left behind.',
  },
  enroller: {
    name: 'enroller',
    entry: 'lambdas/enroller/handler.ts',
    memoryMb: 512,
    timeoutSeconds: 60,
    tables: { backorders: 'read', campaigns: 'read', enrolments: 'readWrite' },
    sendsTo: ['enrolment'],
    sendsEmail: false,
    config: [],
    purpose: 'Enrolment queue consumer: enrols waiting shoppers in a newly active campaign, page by page.',
  },
  allocator: {
    name: 'allocator',
    entry: 'lambdas/allocator/handler.ts',
    memoryMb: 512,
    timeoutSeconds: 60,
    // ledger: the per-product counters the statistics read move with each settled page; queues: the allocated
    // tickets leave the queue's counts.
    tables: {
      products: 'readWrite',
      backorders: 'readWrite',
      webhooks: 'read',
      ledger: 'readWrite',
      queues: 'readWrite',
    },
    sendsTo: ['restock', 'alert', 'webhook'],
    sendsEmail: false,
    config: [],
    purpose:
      'Restock queue consumer: allocates free units oldest first, one page per message, queues alerts.',
  },
  alerter: {
    name: 'alerter',
    entry: 'lambdas/alerter/handler.ts',
    memoryMb: 512,
    timeoutSeconds: 30,
    tables: { settings: 'read', ledger: 'readWrite' },
    sendsTo: [],
    sendsEmail: true,
    config: MAILER_CONFIG,
    purpose:
      'Alert queue consumer: one restock email per allocated backorder, claimed and recorded per batch.',
  },
  webhookSender: {
    name: 'webhookSender',
    entry: 'lambdas/webhook-sender/handler.ts',
    memoryMb: 256,
    timeoutSeconds: 10,
    tables: { webhooks: 'read', webhookDeliveries: 'readWrite' },
    sendsTo: [],
    sendsEmail: false,
    config: ['WEBHOOK_ALLOW_LOOPBACK'],
    purpose: "Webhook queue consumer: signed POSTs to the shop's endpoints, retried with backoff.",
  },
  feedback: {
    name: 'feedback',
    entry: 'lambdas/feedback/handler.ts',
    memoryMb: 256,
    timeoutSeconds: 10,
    tables: { ledger: 'readWrite' },
    sendsTo: [],
    sendsEmail: false,
    config: [],
    purpose: 'Feedback queue consumer: SES bounces and complaints put the address on the suppression list.',
  },
  sealer: {
    name: 'sealer',
    entry: 'lambdas/sealer/handler.ts',
    memoryMb: 256,
    timeoutSeconds: 30,
    tables: { queues: 'readWrite' },
    sendsTo: [],
    sendsEmail: false,
    config: [],
    purpose: "Seal queue consumer: closes a product's full books of tickets into one count each.",
  },
  importer: {
    name: 'importer',
    entry: 'lambdas/importer/handler.ts',
    memoryMb: 512,
    timeoutSeconds: 60,
    // Only what an import touches: the products it writes, its own report and chunks.
    tables: { products: 'readWrite', imports: 'readWrite' },
    // restock: a row that raises a product's stock starts an allocation, as a console save does.
    sendsTo: ['restock'],
    sendsEmail: false,
    config: [],
    purpose:
      'Import queue consumer: upserts one chunk of a product CSV import and counts it into its report once.',
  },
  authorizer: {
    name: 'authorizer',
    entry: 'lambdas/authorizer/handler.ts',
    memoryMb: 256,
    timeoutSeconds: 5,
    // Only the keys: it finds out who calls, the admin functions decide what they may do.
    tables: { apiKeys: 'read' },
    sendsTo: [],
    sendsEmail: false,
    config: ['CONSOLE_USER_POOL_ID', 'CONSOLE_CLIENT_ID', 'LOCAL_CONSOLE_TOKENS'],
    purpose:
      "The admin routes' Lambda authorizer: a Cognito ID token, an API key or (locally) a console token, to the caller the admin functions check.",
  },
  exporter: {
    name: 'exporter',
    entry: 'lambdas/exporter/handler.ts',
    memoryMb: 512,
    // A hundred thousand backorders take seconds; the margin is for DynamoDB throttling a large one.
    timeoutSeconds: 300,
    // Read-only on what it exports: products and their counters (ledger), backorders and their places
    // (queues). apiKeys: the caller's key is checked on every request, and its last use noted (as adminApi).
    tables: {
      products: 'read',
      backorders: 'read',
      ledger: 'read',
      queues: 'read',
      apiKeys: 'readWrite',
    },
    sendsTo: [],
    sendsEmail: false,
    // Not behind API Gateway's authorizer: it identifies the caller with the authorizer's own code.
    config: ['ORIGIN_VERIFY_SECRET_ARN', 'CONSOLE_USER_POOL_ID', 'CONSOLE_CLIENT_ID', 'LOCAL_CONSOLE_TOKENS'],
    purpose:
      "The console's CSV exports (products, backorders), streamed page by page through its function URL behind CloudFront.",
  },
} as const satisfies Record<FunctionName, FunctionDefinition>;

export const routes: readonly RouteDefinition[] = [
  { method: 'GET', path: '/api/health', function: 'publicApi', auth: 'public' },
  // The OpenAPI document of these routes (docs/openapi.json, built by lib/openapi.ts).
  { method: 'GET', path: '/api/openapi.json', function: 'publicApi', auth: 'public' },
  { method: 'GET', path: '/api/products/{sku}', function: 'publicApi', auth: 'public' },
  // The variants of one product, for the landing page's and the embed's picker.
  { method: 'GET', path: '/api/products/by-product/{productId}', function: 'publicApi', auth: 'public' },
  { method: 'POST', path: '/api/backorders', function: 'publicApi', auth: 'public' },
  { method: 'GET', path: '/api/backorders/{id}', function: 'publicApi', auth: 'public' },
  { method: 'POST', path: '/api/backorders/{id}/cancel', function: 'publicApi', auth: 'public' },
  { method: 'POST', path: '/api/unsubscribe', function: 'publicApi', auth: 'public' },
  { method: 'GET', path: '/api/confirm', function: 'publicApi', auth: 'public' },
  { method: 'GET', path: '/api/backorders/{id}/export', function: 'publicApi', auth: 'public' },
  { method: 'DELETE', path: '/api/backorders/{id}', function: 'publicApi', auth: 'public' },
  // A shopper who lost their links asks for them by email: always 202, whether or not the address is known.
  { method: 'POST', path: '/api/links', function: 'publicApi', auth: 'public' },
  // CORS preflights of the routes a shop's own pages may call (the storefront embed); the answer's headers
  // say whether the page's origin is one the shop allowed.
  { method: 'OPTIONS', path: '/api/products/{sku}', function: 'publicApi', auth: 'public' },
  { method: 'OPTIONS', path: '/api/products/by-product/{productId}', function: 'publicApi', auth: 'public' },
  { method: 'OPTIONS', path: '/api/backorders', function: 'publicApi', auth: 'public' },
  { method: 'OPTIONS', path: '/api/links', function: 'publicApi', auth: 'public' },
  // Authenticated by its HMAC signature, not by the admin authorizer.
  { method: 'POST', path: '/api/webhooks/inventory', function: 'inventoryApi', auth: 'public' },
  // The store connectors: each authenticated by the store's own signature (docs/connectors.md).
  { method: 'POST', path: '/api/webhooks/shopify', function: 'inventoryApi', auth: 'public' },
  { method: 'POST', path: '/api/webhooks/woocommerce', function: 'inventoryApi', auth: 'public' },

  { method: 'GET', path: '/api/admin/settings', function: 'adminApi', auth: 'admin' },
  { method: 'PUT', path: '/api/admin/settings', function: 'adminApi', auth: 'admin' },
  { method: 'GET', path: '/api/admin/products', function: 'adminApi', auth: 'admin' },
  { method: 'GET', path: '/api/admin/products/{sku}', function: 'adminApi', auth: 'admin' },
  { method: 'PUT', path: '/api/admin/products/{sku}', function: 'adminApi', auth: 'admin' },
  { method: 'GET', path: '/api/admin/backorders', function: 'adminApi', auth: 'admin' },
  { method: 'POST', path: '/api/admin/backorders/{id}/cancel', function: 'adminApi', auth: 'admin' },
  { method: 'POST', path: '/api/admin/backorders/{id}/fulfil', function: 'adminApi', auth: 'admin' },
  { method: 'GET', path: '/api/admin/campaigns', function: 'adminApi', auth: 'admin' },
  { method: 'GET', path: '/api/admin/campaigns/{id}', function: 'adminApi', auth: 'admin' },
  { method: 'PUT', path: '/api/admin/campaigns/{id}', function: 'adminApi', auth: 'admin' },
  { method: 'DELETE', path: '/api/admin/campaigns/{id}', function: 'adminApi', auth: 'admin' },
  { method: 'POST', path: '/api/admin/campaigns/{id}/preview', function: 'adminApi', auth: 'admin' },
  { method: 'POST', path: '/api/admin/campaigns/{id}/test', function: 'adminApi', auth: 'admin' },
  { method: 'POST', path: '/api/admin/templates/preview', function: 'adminApi', auth: 'admin' },
  { method: 'GET', path: '/api/admin/emails', function: 'adminApi', auth: 'admin' },
  // A product CSV file (text/csv, up to 1 MiB) imported by the import queue; its report.
  { method: 'POST', path: '/api/admin/products/import', function: 'adminApi', auth: 'admin' },
  { method: 'GET', path: '/api/admin/imports/{id}', function: 'adminApi', auth: 'admin' },
  { method: 'POST', path: '/api/admin/inventory', function: 'adminApi', auth: 'admin' },
  { method: 'GET', path: '/api/admin/webhooks', function: 'adminApi', auth: 'admin' },
  { method: 'GET', path: '/api/admin/webhooks/{id}', function: 'adminApi', auth: 'admin' },
  { method: 'PUT', path: '/api/admin/webhooks/{id}', function: 'adminApi', auth: 'admin' },
  { method: 'DELETE', path: '/api/admin/webhooks/{id}', function: 'adminApi', auth: 'admin' },
  { method: 'GET', path: '/api/admin/webhooks/{id}/deliveries', function: 'adminApi', auth: 'admin' },
  {
    method: 'GET',
    path: '/api/admin/connectors/{connector}/deliveries',
    function: 'adminApi',
    auth: 'admin',
  },
  { method: 'GET', path: '/api/admin/suppliers', function: 'adminApi', auth: 'admin' },
  { method: 'GET', path: '/api/admin/suppliers/{id}', function: 'adminApi', auth: 'admin' },
  { method: 'PUT', path: '/api/admin/suppliers/{id}', function: 'adminApi', auth: 'admin' },
  { method: 'POST', path: '/api/admin/suppliers/{id}/batches', function: 'adminApi', auth: 'admin' },
  { method: 'GET', path: '/api/admin/suppliers/{id}/batches', function: 'adminApi', auth: 'admin' },
  {
    method: 'GET',
    path: '/api/admin/suppliers/{id}/batches/{batchId}/csv',
    function: 'adminApi',
    auth: 'admin',
  },
  { method: 'GET', path: '/api/admin/stats', function: 'adminApi', auth: 'admin' },
  { method: 'GET', path: '/api/admin/backorders/{id}', function: 'adminApi', auth: 'admin' },
  { method: 'POST', path: '/api/admin/backorders/{id}/status-link', function: 'adminApi', auth: 'admin' },
  // Who the caller is and what they may do (the console shows only the sections of its role).
  { method: 'GET', path: '/api/admin/me', function: 'adminApi', auth: 'admin' },
  { method: 'GET', path: '/api/admin/api-keys', function: 'adminApi', auth: 'admin' },
  { method: 'POST', path: '/api/admin/api-keys', function: 'adminApi', auth: 'admin' },
  { method: 'DELETE', path: '/api/admin/api-keys/{id}', function: 'adminApi', auth: 'admin' },
  // CSV exports, streamed: CloudFront sends these paths to the exporter's URL, not to API Gateway.
  { method: 'GET', path: '/api/admin/products.csv', function: 'exporter', auth: 'admin', streamed: true },
  { method: 'GET', path: '/api/admin/backorders.csv', function: 'exporter', auth: 'admin', streamed: true },
];

/**
 * Header CloudFront adds, with the origin secret, to every request it sends to the API; the API functions
 * refuse any request without it (lambdas/runtime/origin-verify.ts), since the API's own endpoint is public.
 */
export const ORIGIN_VERIFY_HEADER = 'x-origin-verify';

export type ThrottleClass = 'signup' | 'shopper' | 'console' | 'erp';

export interface ThrottleClassDefinition {
  /** Fraction of the stage's default rate and burst (the ceiling) a route of this class may use. */
  share: number;
  purpose: string;
}

/**
 * Route throttling classes. API Gateway gives every route the stage default unless the route has its own
 * setting; a class gives its routes a budget of their own, at most the stage default, so a flood at the
 * shop's door stays small next to what every route shares (Lambda concurrency, the account's API limit).
 */
export const throttleClasses = {
  signup: {
    share: 0.4,
    purpose: 'Public routes that write or send email without a token: signups, lost-link requests.',
  },
  shopper: {
    share: 1,
    purpose: 'Shopper pages: product data, status, cancel, consent, unsubscribe, export.',
  },
  console: { share: 0.2, purpose: 'The console: a few marketers, never a crowd.' },
  erp: { share: 0.4, purpose: "The ERP's and the stores' signed stock updates." },
} as const satisfies Record<ThrottleClass, ThrottleClassDefinition>;

/**
 * The throttling class of every route API Gateway serves, by route key: test/cdk/edge.test.ts fails for a route
 * without one. Streamed routes are not on API Gateway and have none (docs/security.md says what bounds them).
 */
export const routeThrottles: Readonly<Record<string, ThrottleClass>> = {
  'GET /api/health': 'shopper',
  'GET /api/openapi.json': 'shopper',
  'GET /api/products/{sku}': 'shopper',
  'GET /api/products/by-product/{productId}': 'shopper',
  'POST /api/backorders': 'signup',
  'GET /api/backorders/{id}': 'shopper',
  'POST /api/backorders/{id}/cancel': 'shopper',
  'POST /api/unsubscribe': 'shopper',
  'GET /api/confirm': 'shopper',
  'GET /api/backorders/{id}/export': 'shopper',
  'DELETE /api/backorders/{id}': 'shopper',
  'POST /api/links': 'signup',
  'OPTIONS /api/products/{sku}': 'shopper',
  'OPTIONS /api/products/by-product/{productId}': 'shopper',
  'OPTIONS /api/backorders': 'shopper',
  'OPTIONS /api/links': 'shopper',
  'POST /api/webhooks/inventory': 'erp',
  'POST /api/webhooks/shopify': 'erp',
  'POST /api/webhooks/woocommerce': 'erp',
  'GET /api/admin/settings': 'console',
  'PUT /api/admin/settings': 'console',
  'GET /api/admin/products': 'console',
  'GET /api/admin/products/{sku}': 'console',
  'PUT /api/admin/products/{sku}': 'console',
  'GET /api/admin/backorders': 'console',
  'POST /api/admin/backorders/{id}/cancel': 'console',
  'POST /api/admin/backorders/{id}/fulfil': 'console',
  'GET /api/admin/campaigns': 'console',
  'GET /api/admin/campaigns/{id}': 'console',
  'PUT /api/admin/campaigns/{id}': 'console',
  'DELETE /api/admin/campaigns/{id}': 'console',
  'POST /api/admin/campaigns/{id}/preview': 'console',
  'POST /api/admin/campaigns/{id}/test': 'console',
  'POST /api/admin/templates/preview': 'console',
  'GET /api/admin/emails': 'console',
  'POST /api/admin/products/import': 'console',
  'GET /api/admin/imports/{id}': 'console',
  'POST /api/admin/inventory': 'console',
  'GET /api/admin/webhooks': 'console',
  'GET /api/admin/webhooks/{id}': 'console',
  'PUT /api/admin/webhooks/{id}': 'console',
  'DELETE /api/admin/webhooks/{id}': 'console',
  'GET /api/admin/webhooks/{id}/deliveries': 'console',
  'GET /api/admin/connectors/{connector}/deliveries': 'console',
  'GET /api/admin/suppliers': 'console',
  'GET /api/admin/suppliers/{id}': 'console',
  'PUT /api/admin/suppliers/{id}': 'console',
  'POST /api/admin/suppliers/{id}/batches': 'console',
  'GET /api/admin/suppliers/{id}/batches': 'console',
  'GET /api/admin/suppliers/{id}/batches/{batchId}/csv': 'console',
  'GET /api/admin/stats': 'console',
  'GET /api/admin/backorders/{id}': 'console',
  'POST /api/admin/backorders/{id}/status-link': 'console',
  'GET /api/admin/me': 'console',
  'GET /api/admin/api-keys': 'console',
  'POST /api/admin/api-keys': 'console',
  'DELETE /api/admin/api-keys/{id}': 'console',
};

export interface ScheduleDefinition {
  name: string;
  function: FunctionName;
  /** EventBridge rate on AWS; locally the runner ticks every SCHEDULER_TICK_SECONDS instead. */
  everyMinutes: number;
  purpose: string;
}

export const schedules: readonly ScheduleDefinition[] = [
  {
    name: 'minutely',
    function: 'scheduler',
    everyMinutes: 1,
    purpose: 'The sweeper: due nurture steps, supplier batches and the outbox.',
  },
];

/** API Gateway's route key for a route: "GET /api/products/{sku}". Handlers dispatch on it. */
export const routeKey = (route: Pick<RouteDefinition, 'method' | 'path'>): string =>
  `${route.method} ${route.path}`;

const envSegment = (name: string): string => name.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase();

/** Environment variable carrying a table's physical name, e.g. TABLE_BACKORDERS. */
export const tableEnv = (table: TableName): string => `TABLE_${envSegment(table)}`;

/** Environment variable carrying a queue's URL, e.g. QUEUE_EMAIL_URL. */
export const queueEnv = (queue: QueueName): string => `QUEUE_${envSegment(queue)}_URL`;

/**
 * Sends per second one batch of the queue's consumer may make: the queue's share of the account's SES rate,
 * split across its concurrent batches. 0 (unlimited) stays 0.
 */
export const sendRatePerBatch = (queue: QueueDefinition, accountRatePerSecond: number): number =>
  (accountRatePerSecond * (queue.sendRateShare ?? 1)) / queue.maxConcurrency;

/**
 * Every environment variable a function is given, and so may read: its tables' names, the URLs of the queues
 * it sends to and of the one it consumes, and its configuration variables.
 */
export const environmentOf = (fn: FunctionName): string[] => {
  const spec: FunctionDefinition = functions[fn];
  const consumed = queueConsumedBy(fn);
  const queueNames = new Set([...spec.sendsTo, ...(consumed ? [consumed.name as QueueName] : [])]);
  return [
    ...(Object.keys(spec.tables) as TableName[]).map(tableEnv),
    ...[...queueNames].map(queueEnv),
    ...spec.config,
  ];
};

/** The queue a function consumes, if any. */
export const queueConsumedBy = (fn: FunctionName): QueueDefinition | undefined =>
  (Object.values(queues) as QueueDefinition[]).find((q) => q.consumer === fn);
