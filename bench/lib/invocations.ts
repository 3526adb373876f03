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

/** For startPlatform's `wrapHandler`: runs each invocation under its function's name. */
export const nameInvocations =
  (name: FunctionName, handler: LambdaHandler): LambdaHandler =>
  (event, context) =>
    running.run(name, () => handler(event, context));

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
