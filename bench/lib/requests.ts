/**
 * Counting AWS requests while a scenario runs, per command name.
 *
 * - `countClientRequests`: an SDK middleware on the given clients (the handlers' module singletons, which the
 *   in-process platform uses). It sits in the `initialize` step, so it sees each `send()` once; a second one
 *   in the `deserialize` step, inside the SDK's retry loop, sees every HTTP attempt, so retries show up as
 *   attempts minus commands.
 * - `countOtherSqsClients`: the local runner's own SQS client (the event sources' ReceiveMessage and
 *   DeleteMessageBatch) is created inside `startPlatform` and not reachable, so the SQS client class's `send`
 *   is wrapped for the duration and counts every SQS client that is not one of the excluded ones, per command
 *   and queue. On AWS that polling is Lambda's event source mapping, not the function's, but it is billed to
 *   the account all the same (lib/cost.ts counts it).
 */
import { SQSClient } from '@aws-sdk/client-sqs';

/** Any SDK client (each has its own typed stack; only `add` and `remove` by name are used here). */
interface MiddlewareClient {
  middlewareStack: object;
}

interface LooseStack {
  add(middleware: unknown, options: { step: string; name: string }): void;
  remove(name: string): boolean;
}

const stackOf = (client: MiddlewareClient) => client.middlewareStack as LooseStack;

const COMMAND_COUNTER = 'benchRequestCounter';
const ATTEMPT_COUNTER = 'benchAttemptCounter';

const shortName = (commandName: unknown): string => String(commandName ?? 'unknown').replace(/Command$/, '');

const bump = (counts: Map<string, number>, key: string, by = 1) =>
  counts.set(key, (counts.get(key) ?? 0) + by);

export interface RequestCounts {
  /** Commands sent, per command name (`UpdateItem`, `SendRawEmail`…). */
  commands: Record<string, number>;
  /** HTTP attempts per command name: commands plus the SDK's retries. */
  attempts: Record<string, number>;
  total: number;
  totalAttempts: number;
}

export interface ClientRequestCounter {
  /** Starts counting from zero. */
  start(): void;
  /** The counts so far, counting on. */
  snapshot(): RequestCounts;
  /** Stops counting (the middleware stays installed until `remove`). */
  stop(): RequestCounts;
  remove(): void;
}

const sum = (record: Record<string, number>) => Object.values(record).reduce((a, b) => a + b, 0);

/** Installs the counting middleware on each client; counts only between `start()` and `stop()`. */
export const countClientRequests = (clients: readonly MiddlewareClient[]): ClientRequestCounter => {
  const commands = new Map<string, number>();
  const attempts = new Map<string, number>();
  let counting = false;
  const snapshot = (): RequestCounts => {
    const c = Object.fromEntries(commands);
    const a = Object.fromEntries(attempts);
    return { commands: c, attempts: a, total: sum(c), totalAttempts: sum(a) };
  };
  for (const client of clients) {
    stackOf(client).add(
      (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) =>
        async (args: unknown) => {
          if (counting) bump(commands, shortName(context.commandName));
          return next(args);
        },
      { step: 'initialize', name: COMMAND_COUNTER },
    );
    stackOf(client).add(
      (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) =>
        async (args: unknown) => {
          if (counting) bump(attempts, shortName(context.commandName));
          return next(args);
        },
      { step: 'deserialize', name: ATTEMPT_COUNTER },
    );
  }
  return {
    start: () => {
      commands.clear();
      attempts.clear();
      counting = true;
    },
    snapshot,
    stop: () => {
      counting = false;
      return snapshot();
    },
    remove: () => {
      counting = false;
      for (const client of clients) {
        stackOf(client).remove(COMMAND_COUNTER);
        stackOf(client).remove(ATTEMPT_COUNTER);
      }
    },
  };
};

/** What was counted between two snapshots (`later` minus `earlier`). */
export const countsBetween = (earlier: RequestCounts, later: RequestCounts): RequestCounts => {
  const minus = (a: Record<string, number>, b: Record<string, number>) =>
    Object.fromEntries(
      Object.entries(a)
        .map(([key, n]) => [key, n - (b[key] ?? 0)] as const)
        .filter(([, n]) => n > 0),
    );
  const commands = minus(later.commands, earlier.commands);
  const attempts = minus(later.attempts, earlier.attempts);
  return { commands, attempts, total: sum(commands), totalAttempts: sum(attempts) };
};

export interface SqsPollingCounts {
  /** Requests per `<command> <queue>` (the queue's name without the run's prefix). */
  byCommandAndQueue: Record<string, number>;
  total: number;
  /**
   * Per queue: ReceiveMessage calls that returned messages, how many messages they returned, and the 64 KB
   * chunks beyond the first of their answers (SQS bills each chunk as a request).
   */
  receives: Record<string, { calls: number; nonEmpty: number; messages: number; extraChunks: number }>;
  /** Messages sent per queue (the entries of SendMessageBatch; the local SES event publishing, for one). */
  sent: Record<string, number>;
}

/**
 * Counts the requests of every SQS client except `exclude` (in the bench: the local runner's event sources),
 * by wrapping SQSClient's `send` until `restore()`.
 */
export const countOtherSqsClients = (exclude: readonly SQSClient[], queuePrefix: string) => {
  const counts = new Map<string, number>();
  const receives = new Map<string, SqsPollingCounts['receives'][string]>();
  const sent = new Map<string, number>();
  const proto = SQSClient.prototype as unknown as Record<string, unknown>;
  const hadOwn = Object.prototype.hasOwnProperty.call(proto, 'send');
  const original = proto.send as (this: SQSClient, ...args: unknown[]) => Promise<unknown>;
  let counting = false;
  proto.send = function (this: SQSClient, command: unknown, ...rest: unknown[]) {
    const result = original.call(this, command, ...rest);
    if (!counting || exclude.includes(this)) return result;
    const name = shortName((command as object).constructor.name);
    const input = (command as { input?: { QueueUrl?: string; Entries?: unknown[] } }).input;
    const url = String(input?.QueueUrl ?? '');
    const queue = url.split('/').pop()?.replace(queuePrefix, '') || '-';
    bump(counts, `${name} ${queue}`);
    if (name === 'SendMessage' || name === 'SendMessageBatch') bump(sent, queue, input?.Entries?.length ?? 1);
    if (name === 'ReceiveMessage' && result instanceof Promise) {
      void result.then(
        (output) => {
          const messages = (output as { Messages?: { Body?: string }[] } | undefined)?.Messages ?? [];
          const bytes = messages.reduce((sum, m) => sum + Buffer.byteLength(m.Body ?? ''), 0);
          const entry = receives.get(queue) ?? { calls: 0, nonEmpty: 0, messages: 0, extraChunks: 0 };
          entry.calls++;
          if (messages.length > 0) entry.nonEmpty++;
          entry.messages += messages.length;
          entry.extraChunks += Math.max(0, Math.ceil(bytes / (64 * 1024)) - 1);
          receives.set(queue, entry);
        },
        () => undefined,
      );
    }
    return result;
  };
  return {
    start: () => {
      counts.clear();
      receives.clear();
      sent.clear();
      counting = true;
    },
    /** Stops counting for a while; `resume()` goes on from the same counts. */
    pause: () => {
      counting = false;
    },
    resume: () => {
      counting = true;
    },
    stop: (): SqsPollingCounts => {
      counting = false;
      const byCommandAndQueue = Object.fromEntries([...counts].sort((a, b) => b[1] - a[1]));
      return {
        byCommandAndQueue,
        total: sum(byCommandAndQueue),
        receives: Object.fromEntries(receives),
        sent: Object.fromEntries(sent),
      };
    },
    restore: () => {
      counting = false;
      if (hadOwn) proto.send = original;
      else delete proto.send;
    },
  };
};
