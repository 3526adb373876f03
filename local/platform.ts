/**
 * The whole platform on one machine: given running emulators, create the tables and queues, point the AWS
 * SDK at the emulators through its standard AWS_ENDPOINT_URL_* variables, load the real handlers, and run
 * the gateway and the queue event sources. `npm start`, the tests and the benchmark all start it this way.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { queues, type FunctionName, type QueueName, type TableName } from '../lib/platform';
import { asTransactionalInvocation, limitBackgroundRequests } from './api-priority';
import type { Endpoints } from './emulators';
import { startEventSources } from './event-sources';
import { createGateway } from './gateway';
import { loadHandlers, type LambdaHandler } from './handlers';
import { createLocalResources } from './resources';
import { startSchedules } from './schedules';
import { startSesFeedbackSimulator } from './ses-feedback';
import type { WebhookResolver } from '../lambdas/runtime/webhook-resolver';

/** Enough to keep the emulators busy on a small machine; an API request waits behind at most these. */
const DEFAULT_BACKGROUND_REQUEST_LIMIT = 8;

export interface PlatformOptions {
  endpoints: Endpoints;
  /** Port of the pages + API; 0 picks a free one. */
  port: number;
  /** Prefix of every table and queue name. */
  prefix: string;
  /** The console's bearer tokens: an admin's (always), a marketer's and a support agent's (when given). */
  adminToken: string;
  marketerToken?: string;
  supportToken?: string;
  webhookSecret: string;
  signupRateLimit: number;
  schedulerTickSeconds: number;
  /** Local visibility timeout, so a failed message is retried in seconds. */
  visibilityTimeoutSeconds?: number;
  /** SES send rate the sender paces itself to (0 = unlimited). */
  emailSendRatePerSecond?: number;
  /** Concurrent batches per queue. */
  queueConcurrency?: number;
  /**
   * AWS requests the handlers may have in flight outside an API invocation, all together (default 8; 0 = no
   * limit): locally the API shares one process and one DynamoDB Local with the queue consumers, and must not
   * queue behind their bursts (local/api-priority.ts).
   */
  backgroundRequestLimit?: number;
  /**
   * Epoch seconds of the oldest mail in the SES emulator to publish events for (default: from start). A run
   * that took over a dead run's emulators passes 0, so that run's unpublished Send events are not lost.
   */
  sesEventsSince?: number;
  /** Print queue handler failures (retries are expected in fault tests, which turn this off). */
  logQueueErrors?: boolean;
  /** Extra environment for the handlers (e.g. POWERTOOLS_LOG_LEVEL). */
  environment?: Record<string, string>;
  /**
   * Fault tests only: wraps each function's handler as it is loaded, to crash it after it did its work, invoke
   * it twice, or keep it down for a while, without touching the handler itself.
   */
  wrapHandler?: (name: FunctionName, handler: LambdaHandler) => LambdaHandler;
  /** The secret the gateway, playing CloudFront, puts on every API request (default: a random one). */
  originVerifySecret?: string;
  /** Also open API Gateway's own endpoint (`executeApiUrl`), which on AWS anyone may call, around CloudFront. */
  executeApiEndpoint?: boolean;
  /**
   * SES identities the console may choose a sender from (SENDER_IDENTITIES). Default "*", every identity: the
   * local SES emulator verifies none and accepts any sender; the stack never deploys "*".
   */
  senderIdentities?: readonly string[] | '*';
  /**
   * Tests only: answers the name lookups of webhook endpoints (on save and at each delivery) before the system
   * resolver does, so a test can make a name point somewhere else between save and delivery.
   */
  webhookResolver?: WebhookResolver;
}

export interface RunningPlatform {
  url: string;
  port: number;
  tableNames: Record<TableName, string>;
  queueUrls: Record<QueueName, string>;
  deadLetterQueueUrls: Record<QueueName, string>;
  /** The origin secret the gateway adds as CloudFront does (what Secrets Manager holds on AWS). */
  originVerifySecret: string;
  /** The SES configuration set its email goes through: its mail in the shared SES emulator's store. */
  sesConfigurationSet: string;
  /** API Gateway's own endpoint, when `executeApiEndpoint` asked for it. */
  executeApiUrl?: string;
  /** The handlers' background AWS requests in flight at most (local/api-priority.ts; 0: no limit). */
  backgroundRequestLimit: number;
  stop(): Promise<void>;
}

/** Clients for the emulators, configured explicitly (the runner's own, not the handlers'). */
export const emulatorClients = (endpoints: Endpoints) => {
  const common = { region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
  return {
    dynamo: new DynamoDBClient({ ...common, endpoint: endpoints.dynamodb }),
    sqs: new SQSClient({ ...common, endpoint: endpoints.sqs }),
  };
};

export const startPlatform = async (options: PlatformOptions): Promise<RunningPlatform> => {
  let ready = false;
  // Handlers load only once the environment points at this run's resources, after the port is known.
  const handlers = {} as Awaited<ReturnType<typeof loadHandlers>>;
  const originVerifySecret = options.originVerifySecret ?? randomBytes(32).toString('base64url');
  const listen = (server: Server, onPort: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(onPort, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
    });
  const gateway = createGateway({
    handlers,
    isReady: () => ready,
    originSecret: originVerifySecret,
  });
  const port = await listen(gateway, options.port);
  const url = `http://localhost:${port}`;
  const executeApi = options.executeApiEndpoint
    ? createGateway({ handlers, isReady: () => ready, executeApi: true })
    : undefined;
  const executeApiUrl = executeApi && `http://127.0.0.1:${await listen(executeApi, 0)}`;

  const clients = emulatorClients(options.endpoints);
  const sesConfigurationSet = `${options.prefix}events`;
  const resources = await createLocalResources({
    prefix: options.prefix,
    dynamo: clients.dynamo,
    sqs: clients.sqs,
    visibilityTimeoutSeconds: options.visibilityTimeoutSeconds,
  });

  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: options.endpoints.dynamodb,
    AWS_ENDPOINT_URL_SQS: options.endpoints.sqs,
    AWS_ENDPOINT_URL_SES: options.endpoints.ses,
    PUBLIC_BASE_URL: url,
    SIGNUP_RATE_LIMIT: String(options.signupRateLimit),
    SCHEDULER_TICK_SECONDS: String(options.schedulerTickSeconds),
    INVENTORY_WEBHOOK_SECRET: options.webhookSecret,
    // The authorizer's local stand-in for Cognito: one bearer token per console role.
    LOCAL_CONSOLE_TOKENS: JSON.stringify({
      admin: options.adminToken,
      ...(options.marketerToken ? { marketer: options.marketerToken } : {}),
      ...(options.supportToken ? { support: options.supportToken } : {}),
    }),
    EMAIL_SEND_RATE_PER_SECOND: String(options.emailSendRatePerSecond ?? 0),
    // Its own configuration set, so the SES simulator publishes events for this platform's email only.
    SES_CONFIGURATION_SET: sesConfigurationSet,
    ORIGIN_VERIFY_SECRET: originVerifySecret,
    // The claim codes' key: new each start, so claim codes of an earlier local run no longer verify.
    CLAIM_SECRET: randomBytes(32).toString('base64url'),
    SENDER_IDENTITIES: [options.senderIdentities ?? '*'].flat().join(','),
    DEFAULT_SENDER: 'Backorders <no-reply@example.com>',
    // Webhooks may go to an ERP receiver on this machine over plain http (deployed: "0").
    WEBHOOK_ALLOW_LOOPBACK: '1',
    POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
    ...resources.environment,
    ...options.environment,
  });
  const loaded = await loadHandlers();
  // The handlers' own config module (loaded with them), whose record of the running function they consult.
  const { runAsFunction } = await import('../lambdas/runtime/config');
  for (const [name, loadedHandler] of Object.entries(loaded) as [FunctionName, LambdaHandler][]) {
    // Confirmations and status links are what a shopper waits for: first among the background requests.
    // Each invocation runs as its function, so it may read only the configuration the stack would give it.
    const asItself: LambdaHandler = (event, context) =>
      runAsFunction(name, () => loadedHandler(event, context));
    const handler: LambdaHandler =
      name === queues.email.consumer
        ? (event, context) => asTransactionalInvocation(() => asItself(event, context))
        : asItself;
    handlers[name] = options.wrapHandler ? options.wrapHandler(name, handler) : handler;
  }

  // Every batch of a queue runs in this process and shares the queue's one pacer: it paces to the queue's
  // whole share of the SES rate, which on Lambda the queue's instances split between them.
  const { paceEachQueueInOneProcess } = await import('../lambdas/use-cases/send-rate');
  paceEachQueueInOneProcess();

  if (options.webhookResolver) {
    const { resolveWebhookHostsWith } = await import('../lambdas/runtime/webhook-resolver');
    resolveWebhookHostsWith(options.webhookResolver);
  }

  // The handlers' own module-level clients (already loaded with them), as every in-process function shares them.
  const [{ dynamo }, { sqs }, { ses }] = await Promise.all([
    import('../lambdas/runtime/dynamo'),
    import('../lambdas/runtime/sqs'),
    import('../lambdas/runtime/ses'),
  ]);
  const backgroundRequestLimit = options.backgroundRequestLimit ?? DEFAULT_BACKGROUND_REQUEST_LIMIT;
  const backgroundLimit = limitBackgroundRequests([dynamo, sqs, ses], backgroundRequestLimit);

  const eventSources = startEventSources({
    sqs: clients.sqs,
    queueUrls: resources.queueUrls,
    handlers,
    concurrency: options.queueConcurrency,
    onError: (queue, error) => {
      if (options.logQueueErrors !== false)
        console.error(`[${queue} queue] ${(error as Error).message ?? error}`);
    },
  });
  // SES's mailbox simulator: mail to bounce@ / complaint@simulator.amazonses.com feeds the feedback queue.
  const sesFeedback = startSesFeedbackSimulator({
    sesUrl: options.endpoints.ses,
    configurationSet: sesConfigurationSet,
    sqs: clients.sqs,
    queueUrl: resources.queueUrls.feedback,
    since: options.sesEventsSince,
    onError: (error) => {
      if (options.logQueueErrors !== false)
        console.error(`[ses feedback simulator] ${(error as Error).message ?? error}`);
    },
  });
  const scheduled = startSchedules({
    handlers,
    tickSeconds: options.schedulerTickSeconds,
    onError: (schedule, error) => {
      if (options.logQueueErrors !== false)
        console.error(`[${schedule} schedule] ${(error as Error).message ?? error}`);
    },
  });
  ready = true;

  return {
    url,
    port,
    ...resources,
    originVerifySecret,
    sesConfigurationSet,
    executeApiUrl,
    backgroundRequestLimit,
    stop: async () => {
      ready = false;
      await Promise.all(
        [gateway, executeApi].map(
          (server) =>
            server &&
            new Promise<void>((resolve) => {
              server.close(() => resolve());
              server.closeAllConnections();
            }),
        ),
      );
      await scheduled.stop();
      await sesFeedback.stop();
      await eventSources.stop();
      backgroundLimit.remove();
      clients.dynamo.destroy();
      clients.sqs.destroy();
    },
  };
};
