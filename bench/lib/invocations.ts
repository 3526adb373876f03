/**
 * Which function an AWS request belongs to. Every function runs in the bench process on the same SDK clients,
 * so a count of one function's requests (a signup's, not the email sender's delivering its confirmation at the
 * same moment) needs to know who is calling: the bench stack wraps each handler so its invocation runs with
 * its function's name in an AsyncLocalStorage, which follows the invocation through every await into the SDK's
 * middleware.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { FunctionName } from '../../lib/platform';
import type { LambdaHandler } from '../../local/handlers';

const running = new AsyncLocalStorage<FunctionName>();

/** The function whose invocation is running here, if any. */
export const runningFunction = (): FunctionName | undefined => running.getStore();

/** Each finished invocation's function and wall time, for every meter that is counting. */
const listeners = new Set<(name: FunctionName, ms: number) => void>();

/**
 * For startPlatform's `wrapHandler`: runs each invocation under its function's name, and times it (from the
 * call to its promise settling: what Lambda bills, here on a shared machine and among other invocations).
 */
export const nameInvocations =
  (name: FunctionName, handler: LambdaHandler): LambdaHandler =>
  async (event, context) => {
    const started = performance.now();
    try {
      return await running.run(name, () => handler(event, context));
    } finally {
      const ms = performance.now() - started;
      for (const listener of listeners) listener(name, ms);
    }
  };

export interface FunctionInvocations {
  invocations: number;
  /** Wall time, each invocation rounded up to the millisecond as Lambda bills it. */
  billedMs: number;
}

/** Invocations and their billed time per function, counted between `start()` and `stop()`. */
export const meterInvocations = () => {
  let counts = new Map<FunctionName, FunctionInvocations>();
  let counting = false;
  const listener = (name: FunctionName, ms: number) => {
    if (!counting) return;
    const entry = counts.get(name) ?? { invocations: 0, billedMs: 0 };
    entry.invocations++;
    entry.billedMs += Math.ceil(ms);
    counts.set(name, entry);
  };
  listeners.add(listener);
  return {
    start: () => {
      counts = new Map();
      counting = true;
    },
    /** Stops counting for a while (work that is not the platform's); `resume()` goes on from the same counts. */
    pause: () => {
      counting = false;
    },
    resume: () => {
      counting = true;
    },
    stop: (): Partial<Record<FunctionName, FunctionInvocations>> => {
      counting = false;
      return Object.fromEntries(counts);
    },
    remove: () => {
      counting = false;
      listeners.delete(listener);
    },
  };
};

/** Any SDK client (each has its own typed stack; only `add` and `remove` by name are used here). */
interface MiddlewareClient {
  middlewareStack: object;
}

interface LooseStack {
  add(middleware: unknown, options: { step: string; name: string }): void;
  remove(name: string): boolean;
}

const COMMANDS = 'benchFunctionRequests';
const ATTEMPTS = 'benchFunctionAttempts';

export interface FunctionRequests {
  /** Commands sent, by `<service> <command>` (`DynamoDB BatchGetItem`, `SQS SendMessage`…). */
  byCommand: Record<string, number>;
  /** Of the DynamoDB commands, those on the ticket counter and its shards (issuing a ticket). */
  ticket: number;
  dynamodb: number;
  sqs: number;
  total: number;
  /** HTTP attempts beyond the commands: the SDK's retries. */
  retries: number;
}

const TICKET_ITEM = /"(?:shard|tickets)#/;

/**
 * Counts the AWS requests made by invocations of the given functions on the given clients (labelled by
 * service), between `start()` and `stop()`.
 */
export interface FunctionRequestCounter {
  start(): void;
  stop(): FunctionRequests;
  remove(): void;
}

export const countFunctionRequests = (
  functions: readonly FunctionName[],
  clients: Readonly<Record<'DynamoDB' | 'SQS', MiddlewareClient>>,
): FunctionRequestCounter => {
  let counts = new Map<string, number>();
  let ticket = 0;
  let attempts = 0;
  let counting = false;
  const mine = () => {
    const running = runningFunction();
    return counting && running !== undefined && functions.includes(running);
  };
  for (const [service, client] of Object.entries(clients)) {
    const stack = client.middlewareStack as LooseStack;
    stack.add(
      (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) =>
        async (args: { input?: unknown }) => {
          if (mine()) {
            const name = `${service} ${String(context.commandName ?? 'unknown').replace(/Command$/, '')}`;
            counts.set(name, (counts.get(name) ?? 0) + 1);
            if (service === 'DynamoDB' && TICKET_ITEM.test(JSON.stringify(args.input ?? {}))) ticket++;
          }
          return next(args);
        },
      { step: 'initialize', name: COMMANDS },
    );
    stack.add(
      (next: (args: unknown) => Promise<unknown>) => async (args: unknown) => {
        if (mine()) attempts++;
        return next(args);
      },
      { step: 'deserialize', name: ATTEMPTS },
    );
  }
  const total = (prefix: string) =>
    [...counts].filter(([name]) => name.startsWith(prefix)).reduce((sum, [, n]) => sum + n, 0);
  return {
    start: () => {
      counts = new Map();
      ticket = 0;
      attempts = 0;
      counting = true;
    },
    stop: (): FunctionRequests => {
      counting = false;
      const all = total('');
      return {
        byCommand: Object.fromEntries([...counts].sort((a, b) => b[1] - a[1])),
        ticket,
        dynamodb: total('DynamoDB '),
        sqs: total('SQS '),
        total: all,
        retries: attempts - all,
      };
    },
    remove: () => {
      counting = false;
      for (const client of Object.values(clients)) {
        (client.middlewareStack as LooseStack).remove(COMMANDS);
        (client.middlewareStack as LooseStack).remove(ATTEMPTS);
      }
    },
  };
};
