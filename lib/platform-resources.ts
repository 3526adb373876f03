/**
 * The tables and queues of the platform's declarative description (lib/platform.ts, which re-exports this
 * module): keys, indexes and what each holds; each queue's consumer, batching, retries and dead-letter count.
 */
import type { QueueDefinition, QueueName, TableDefinition, TableName } from './platform';

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
      {
        // Sparse: only a product whose expected-date announcement has something due (a window's end, a
        // fan-out's lease end) has `etaBucket`. Hourly buckets in shards like the holds'; the sweeper needs the
        // keys only (`<ISO>#<sku>`), then reads the product.
        name: 'etaDue',
        partitionKey: { name: 'etaBucket', type: 'S' },
        sortKey: { name: 'etaDueKey', type: 'S' },
        projection: 'KEYS_ONLY',
      },
    ],
    purpose:
      'Products: name, variant of which product, free stock, restock date, per-product backorder policy.',
  },
  backorders: {
    name: 'backorders',
    partitionKey: { name: 'id', type: 'S' },
    // A backorder is written many times (each email's link, the allocation, holds, every status change):
    // each index projects only what its readers read (lambdas/store/index-reads.ts), so those writes rewrite
    // no index that does not hold a changed attribute. The listings (bySku, byEmail, byCreated) read the
    // rows by key, a batch per page: they are rare, the writes are not.
    indexes: [
      {
        // Sparse: `waitingKey` exists only while a backorder waits, so this index is the FIFO queue per SKU,
        // in LIST_SHARDS partitions (`skuShard` = `<sku>#<n>`) merged by `waitingKey` on reading. Allocation
        // and the expected-date fan-out take each one's units from it, a page of 250 without a read by key.
        name: 'waitingBySku',
        partitionKey: { name: 'skuShard', type: 'S' },
        sortKey: { name: 'waitingKey', type: 'S' },
        projection: ['quantity'],
      },
      {
        // A SKU's backorders by creation: the console list and export of a SKU, enrolment jobs, supplier batches.
        name: 'bySku',
        partitionKey: { name: 'skuShard', type: 'S' },
        sortKey: { name: 'queueKey', type: 'S' },
        projection: 'KEYS_ONLY',
      },
      {
        // A shopper's backorders: the console, their data export and erasure, their links email.
        name: 'byEmail',
        partitionKey: { name: 'emailKey', type: 'S' },
        sortKey: { name: 'queueKey', type: 'S' },
        projection: 'KEYS_ONLY',
      },
      {
        // Every backorder, in LIST_SHARDS partitions (`listPartition` = `all#<n>`): the console list and export.
        name: 'byCreated',
        partitionKey: { name: 'listPartition', type: 'S' },
        sortKey: { name: 'queueKey', type: 'S' },
        projection: 'KEYS_ONLY',
      },
      {
        // Sparse: only an allocated reservation with a hold has `holdBucket`. Hourly buckets in shards, like
        // the nurture steps' due index; the sort key says when and what falls due (`<ISO>#<id>#remind|expire`),
        // so the sweeper needs nothing but the keys.
        name: 'holdsDue',
        partitionKey: { name: 'holdBucket', type: 'S' },
        sortKey: { name: 'holdDueKey', type: 'S' },
        projection: 'KEYS_ONLY',
      },
    ],
    purpose: 'Backorders, their status, hold and event history.',
  },
  ledger: {
    name: 'ledger',
    partitionKey: { name: 'key', type: 'S' },
    indexes: [
      {
        // Sparse: only email send records carry a recipient; customer service lists what a shopper was sent,
        // a timeline those about one backorder (the projected `backorderId`, which a record never changes, so
        // recording the send and SES's reports rewrite no index); the records themselves are read by key.
        name: 'byRecipient',
        partitionKey: { name: 'recipientKey', type: 'S' },
        sortKey: { name: 'claimedAt', type: 'S' },
        projection: ['backorderId'],
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
        // lives milliseconds when its writer publishes it). ALL: the scheduler publishes whole rows, and a row
        // is put and deleted, never updated but for `dueAt` (this index's key), so any projection writes the
        // index as often; a row is well under 1 KB, so ALL costs no more write units either.
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
    // Each instance (one batch) paces itself to its queue's current rate divided by this (lib/platform.ts).
    maxConcurrency: 2,
    // The SES rate follows demand (lambdas/domain/send-rate.ts): transactional email is served first, as a
    // shopper waits for it, but takes at most half the rate ahead of alerts, since expected-date fan-outs
    // put thousands of emails on this queue at once.
    sendRate: { rank: 1, firstClaim: 0.5 },
    purpose: 'Transactional email: confirmations, status links, test sends, supplier batches.',
  },
  nurture: {
    name: 'nurture',
    consumer: 'nurturer',
    batchSize: 10,
    visibilityTimeoutSeconds: 180,
    maxReceiveCount: 8,
    // Its own queue: the thousands of steps a sweep may queue at once never hold up a confirmation. Four
    // batches at once, as alerts: a step due for ten thousand shoppers goes out within a minute, and the SES
    // rate, shared by demand, keeps it behind confirmations and alerts however many batches run.
    maxConcurrency: 4,
    // Served last: marketing can wait, and takes every unit of the SES rate the others leave.
    sendRate: { rank: 3 },
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
    // After transactional email: what the restock's backlog needs, ahead of nurture steps.
    sendRate: { rank: 2 },
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
  hold: {
    name: 'hold',
    consumer: 'holdKeeper',
    // A reminder or an expiry each; a batch of expiries asks for one allocation per SKU.
    batchSize: 10,
    visibilityTimeoutSeconds: 360,
    maxReceiveCount: 8,
    maxConcurrency: 4,
    purpose:
      'Holds that fell due: a reminder to queue, or an expiry that returns the units to the next in line.',
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
