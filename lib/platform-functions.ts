/**
 * The functions of the platform's declarative description (lib/platform.ts, which re-exports this module):
 * each one's handler, size, and exactly the tables, queues, email permission and configuration it gets.
 */
import type { ConfigName } from './platform-config';
import type { FunctionDefinition, FunctionName, QueueName } from './platform';

/**
 * The queues whose consumers send email: each consumer paces itself by all three depths
 * (lambdas/use-cases/send-rate.ts).
 */
const SENDING_QUEUES: QueueName[] = ['email', 'alert', 'nurture'];

/** What every function that sends email reads: links, SES events, the send rate it shares, the claim lease, the From. */
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
      // The claim code the "complete your order" redirect puts in the checkout URL.
      'CLAIM_SECRET_ARN',
    ],
    purpose: 'Shopper routes: product page data, signup, status, cancel, health.',
  },
  apiDocs: {
    name: 'apiDocs',
    entry: 'lambdas/api-docs/handler.ts',
    memoryMb: 256,
    timeoutSeconds: 10,
    // It answers the committed document, the same for everyone: no table, no queue, no setting.
    tables: {},
    sendsTo: [],
    sendsEmail: false,
    config: ['ORIGIN_VERIFY_SECRET_ARN'],
    purpose:
      "The API's own OpenAPI description (docs/openapi.json), apart from the shopper routes so their bundle does not carry it.",
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
      // Verifying the claim codes a shop's checkout receives.
      'CLAIM_SECRET_ARN',
      // A product save that moves the expected date opens the window its announcement waits for.
      'ETA_DEBOUNCE_SECONDS',
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
    queueDepths: SENDING_QUEUES,
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
    queueDepths: SENDING_QUEUES,
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
      // products: the expected-date announcements (a window's end, a fan-out's pages) on each product's item.
      products: 'readWrite',
      backorders: 'readWrite',
      ledger: 'readWrite',
      suppliers: 'readWrite',
      supplierBatches: 'readWrite',
      // backorders: the hold sweep leases each hold that fell due.
      // The outbox sweep: rows a writer left unpublished, and the endpoints their events go to.
      outbox: 'readWrite',
      webhooks: 'read',
    },
    // nurture: the steps that fell due; email: suppliers' batches and confirmations left in the outbox;
    // webhook and restock: events and allocation requests left in the outbox.
    // import: the chunks of a product import whose request died before queuing them; hold: holds that fell due.
    sendsTo: ['email', 'nurture', 'webhook', 'restock', 'import', 'hold'],
    sendsEmail: false,
    // A nurture step's lease covers its wait behind the SES rate: the rate, and the steps ahead of it.
    config: ['OUTBOX_GRACE_SECONDS', 'EMAIL_SEND_RATE_PER_SECOND'],
    queueDepths: ['nurture'],
    purpose:
      'Every minute: sweeps nurture steps and holds that fell due, tells waiting shoppers of expected dates that moved, sends suppliers their batches on schedule, and publishes outbox rows left behind.',
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
    // tickets leave the queue's counts; settings: the site's checkout, how long reservations are held.
    tables: {
      settings: 'read',
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
    queueDepths: SENDING_QUEUES,
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
    // A row that moves a product's expected date opens the window its announcement waits for.
    config: ['ETA_DEBOUNCE_SECONDS'],
    purpose:
      'Import queue consumer: upserts one chunk of a product CSV import and counts it into its report once.',
  },
  holdKeeper: {
    name: 'holdKeeper',
    entry: 'lambdas/hold-keeper/handler.ts',
    memoryMb: 512,
    timeoutSeconds: 60,
    // An expiry is a status change: the claim row and counters (ledger), the units back (products), the
    // outbox row of what it owes.
    tables: {
      backorders: 'readWrite',
      products: 'readWrite',
      ledger: 'readWrite',
      outbox: 'readWrite',
      webhooks: 'read',
    },
    // email: the reminder and the expiry email; webhook: backorder.expired; restock: the next in line.
    sendsTo: ['email', 'webhook', 'restock'],
    sendsEmail: false,
    config: ['OUTBOX_GRACE_SECONDS'],
    purpose:
      'Hold queue consumer: queues the reminder of a hold running low, expires a hold that ran out and hands its units on.',
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
