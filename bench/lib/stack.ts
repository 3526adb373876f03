/**
 * The local stack as the benchmark runs it: the three emulators on free ports, then the platform (gateway,
 * real handlers, queue pollers) in this process, with the per-client signup rate limit off, the scheduler
 * ticking only hourly (scenarios sweep themselves), no SES send-rate pacing, and a fresh table/queue prefix.
 * Seeding goes through the admin API, as a marketer would, or straight to the tables where a scenario needs
 * thousands of rows.
 */
import { randomBytes } from 'node:crypto';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { startEmulators, type Endpoints, type RunningEmulators } from '../../local/emulators';
import { emulatorClients, startPlatform, type RunningPlatform } from '../../local/platform';
import { freePort } from '../../local/ports';
import { nameInvocations } from './invocations';

export interface BenchStackOptions {
  /** Pollers per queue (the platform's default when undefined); 0 runs no queue consumers at all. */
  queueConcurrency?: number;
  /** The runner's limit on the handlers' background AWS requests in flight (its default when undefined; 0 = none). */
  backgroundRequestLimit?: number;
}

export interface BenchStack {
  url: string;
  endpoints: Endpoints;
  prefix: string;
  adminToken: string;
  /** The inventory webhook's shared secret (sign with lambdas/runtime/signature.ts). */
  webhookSecret: string;
  platform: RunningPlatform;
  clients: ReturnType<typeof emulatorClients>;
  /** Calls the admin API; throws unless it answers 2xx. */
  admin(method: 'GET' | 'PUT' | 'POST', path: string, body?: unknown): Promise<unknown>;
  /** Messages in a queue, visible or being handled. */
  queueDepth(queueUrl: string): Promise<number>;
  /** Waits until the queue is empty or the timeout passes; returns the seconds it took and what is left. */
  drain(queueUrl: string, timeoutMs: number): Promise<{ seconds: number; left: number }>;
  /**
   * Paces the sending queues to this SES rate from their next send on (0: unpaced): the handlers read it at
   * each send (lambdas/runtime/config.ts), so a scenario can pace the shared stack for its own run.
   */
  setEmailSendRate(perSecond: number): void;
  stop(): Promise<void>;
}

export const startBenchStack = async (options: BenchStackOptions = {}): Promise<BenchStack> => {
  const emulators: RunningEmulators = await startEmulators({
    dynamodb: await freePort(),
    sqs: await freePort(),
    ses: await freePort(),
  });
  const prefix = `bench-${Date.now().toString(36)}-`;
  const adminToken = randomBytes(24).toString('base64url');
  const webhookSecret = randomBytes(24).toString('base64url');
  let platform: RunningPlatform;
  try {
    platform = await startPlatform({
      endpoints: emulators.endpoints,
      port: 0,
      prefix,
      adminToken,
      webhookSecret,
      signupRateLimit: 0,
      // Hourly: the nurture scenario runs the sweep itself, at the moment it measures from.
      schedulerTickSeconds: 3600,
      emailSendRatePerSecond: 0,
      queueConcurrency: options.queueConcurrency,
      backgroundRequestLimit: options.backgroundRequestLimit,
      // Each invocation runs under its function's name, so a scenario can count one function's requests.
      wrapHandler: nameInvocations,
    });
  } catch (error) {
    await emulators.stop();
    throw error;
  }
  const clients = emulatorClients(emulators.endpoints);

  const admin = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const response = await fetch(`${platform.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (response.status < 200 || response.status > 299) {
      throw new Error(`${method} ${path} answered ${response.status}: ${text.slice(0, 300)}`);
    }
    return text ? JSON.parse(text) : undefined;
  };

  const queueDepth = async (queueUrl: string): Promise<number> => {
    const { Attributes = {} } = await clients.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    return (
      Number(Attributes.ApproximateNumberOfMessages ?? 0) +
      Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0)
    );
  };

  const drain = async (queueUrl: string, timeoutMs: number) => {
    const started = performance.now();
    let left = await queueDepth(queueUrl);
    while (left > 0 && performance.now() - started < timeoutMs) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      left = await queueDepth(queueUrl);
    }
    return { seconds: (performance.now() - started) / 1000, left };
  };

  let stopped = false;
  return {
    url: platform.url,
    endpoints: emulators.endpoints,
    prefix,
    adminToken,
    webhookSecret,
    platform,
    clients,
    admin,
    queueDepth,
    drain,
    setEmailSendRate: (perSecond) => {
      process.env.EMAIL_SEND_RATE_PER_SECOND = String(perSecond);
    },
    stop: async () => {
      if (stopped) return;
      stopped = true;
      clients.dynamo.destroy();
      clients.sqs.destroy();
      await platform.stop().catch((error) => console.error('platform.stop failed:', error));
      await emulators.stop();
    },
  };
};

/**
 * A DynamoDB document client of the bench's own on the stack's DynamoDB Local (seeding, checks, probes), kept
 * apart from the handlers' clients so that their request counts hold only the platform's work. The caller
 * destroys it when done.
 */
export const benchDocumentClient = (stack: Pick<BenchStack, 'endpoints'>): DynamoDBDocumentClient =>
  DynamoDBDocumentClient.from(
    new DynamoDBClient({
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      endpoint: stack.endpoints.dynamodb,
    }),
    { marshallOptions: { removeUndefinedValues: true } },
  );
