/**
 * The one declarative description of the platform: tables, queues, functions and routes (the types and
 * helpers here; the entries in platform-resources.ts, platform-functions.ts, platform-routes.ts and
 * platform-config.ts, re-exported, so everything is imported from this module).
 *
 * The CDK stack (lib/) and the local runner (local/) both read this module, so a route, a queue or a table
 * is named exactly once. Handlers never import it for wiring: they read the environment variables whose
 * names `tableEnv` / `queueEnv` produce, which both the stack and the runner set.
 */

import type { ConfigName } from './platform-config';
import { functions } from './platform-functions';
import { queues } from './platform-resources';

export * from './platform-config';
export * from './platform-routes';
export * from './platform-resources';
export * from './platform-functions';

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
  | 'email'
  | 'nurture'
  | 'enrolment'
  | 'restock'
  | 'alert'
  | 'webhook'
  | 'feedback'
  | 'seal'
  | 'import'
  | 'hold';
export type FunctionName =
  | 'publicApi'
  | 'apiDocs'
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
  | 'holdKeeper'
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
   * For queues whose consumer sends email: its place when the account's SES send rate is shared out by what
   * each sending queue has waiting (lambdas/domain/send-rate.ts). Ranks are served in order, each taking what
   * its backlog needs, at first at most `firstClaim` of the rate (default all of it); the last rank with work
   * takes every unit left.
   */
  sendRate?: { rank: number; firstClaim?: number };
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
  /**
   * Queues whose depth it reads (sqs:GetQueueAttributes, and their URLs): the sending queues, for their
   * consumers, which share the SES rate by them; the nurture queue, for the sweeper that leases steps by it.
   */
  queueDepths?: QueueName[];
  purpose: string;
}

/** The environment variable naming the function a Lambda runs, so its runtime knows what it may read. */
export const FUNCTION_ENV = 'PLATFORM_FUNCTION';

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

const envSegment = (name: string): string => name.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase();

/** Environment variable carrying a table's physical name, e.g. TABLE_BACKORDERS. */
export const tableEnv = (table: TableName): string => `TABLE_${envSegment(table)}`;

/** Environment variable carrying a queue's URL, e.g. QUEUE_EMAIL_URL. */
export const queueEnv = (queue: QueueName): string => `QUEUE_${envSegment(queue)}_URL`;

/**
 * Sends per second one batch of the queue's consumer may make: the queue's current rate (its share of the
 * account's SES rate: lambdas/domain/send-rate.ts), split across its concurrent batches, each a Lambda
 * instance with its own pacer. 0 (unlimited) stays 0.
 */
export const sendRatePerBatch = (queue: QueueDefinition, queueRatePerSecond: number): number =>
  queueRatePerSecond / queue.maxConcurrency;

/** The queues whose consumers send email, in the order the SES rate serves them. */
export const sendingQueues = (): QueueDefinition[] =>
  (Object.values(queues) as QueueDefinition[])
    .filter((queue) => queue.sendRate !== undefined)
    .sort((a, b) => a.sendRate!.rank - b.sendRate!.rank);

/**
 * The sends per second a sending queue keeps whenever it has work, however busy the others are: enough for
 * each of its concurrent batches to be sent within half its consumer's timeout, so nothing starves and no
 * batch runs out of time waiting behind the rate.
 */
export const sendRateFloor = (queue: QueueDefinition): number =>
  (queue.batchSize * queue.maxConcurrency) / (functions[queue.consumer].timeoutSeconds / 2);

/**
 * Every environment variable a function is given, and so may read: its tables' names, the URLs of the queues
 * it sends to, of the one it consumes and of those whose depth it reads, and its configuration variables.
 */
export const environmentOf = (fn: FunctionName): string[] => {
  const spec: FunctionDefinition = functions[fn];
  const consumed = queueConsumedBy(fn);
  const queueNames = new Set([
    ...spec.sendsTo,
    ...(consumed ? [consumed.name as QueueName] : []),
    ...(spec.queueDepths ?? []),
  ]);
  return [
    ...(Object.keys(spec.tables) as TableName[]).map(tableEnv),
    ...[...queueNames].map(queueEnv),
    ...spec.config,
  ];
};

/**
 * What a function's runtime needs of its declaration (lambdas/runtime/config.ts): its name, its configuration
 * variables, and every environment variable it is given.
 */
export interface FunctionWiring {
  name: FunctionName;
  config: ConfigName[];
  environment: string[];
}

/** A function's wiring, from its declaration; undefined for a name that is no function. */
export const functionWiring = (fn: string): FunctionWiring | undefined =>
  fn in functions
    ? {
        name: fn as FunctionName,
        config: [...functions[fn as FunctionName].config],
        environment: environmentOf(fn as FunctionName),
      }
    : undefined;

/**
 * The identifier a function's bundle has replaced by its own wiring, as JSON text (esbuild `define`: the
 * stack's bundling in lib/platform-function.ts, and the bundle benchmark). Only its own: the configuration
 * module then needs neither the other functions' declarations nor the platform's descriptions, and esbuild
 * leaves them out of the bundle. Undefined wherever the code runs unbundled (local runner, tests).
 */
const FUNCTION_WIRING_DEFINE = 'PLATFORM_FUNCTION_WIRING';

/** The esbuild `define`s a function's bundle is built with. */
export const bundleDefines = (fn: FunctionName): Record<string, string> => ({
  // A string literal (JSON text), not an object: esbuild then settles `typeof` on it at build time and drops
  // the branch that reads the declarations (lambdas/runtime/config.ts).
  [FUNCTION_WIRING_DEFINE]: JSON.stringify(JSON.stringify(functionWiring(fn))),
});

/** The queue a function consumes, if any. */
export const queueConsumedBy = (fn: FunctionName): QueueDefinition | undefined =>
  (Object.values(queues) as QueueDefinition[]).find((q) => q.consumer === fn);
