/**
 * AWS requests per function and command, for a scenario where several functions work at once (the hold
 * keeper, the allocator, the alerter and the sender all act on one expiry): an SDK middleware on the handlers'
 * clients reads the running invocation's function name (bench/lib/invocations.ts; the bench stack runs every
 * invocation under it) and counts `<function> <command>`, the SDK's retries apart, failed commands by error
 * name, and the items each `Query` returned (what a read costs DynamoDB beyond the request itself).
 * Requests made outside any invocation are counted under `bench`.
 */
import { runningFunction } from './invocations';

interface MiddlewareClient {
  middlewareStack: object;
}

interface LooseStack {
  add(middleware: unknown, options: { step: string; name: string }): void;
  remove(name: string): boolean;
}

const COMMANDS = 'benchRequestsByFunction';
const ATTEMPTS = 'benchAttemptsByFunction';

export interface FunctionCounts {
  /** Commands sent, by command name (`UpdateItem`, `SendRawEmail`…). */
  commands: Record<string, number>;
  total: number;
  /** HTTP attempts beyond the commands: the SDK's own retries. */
  retries: number;
  /** Commands that failed, by `<command> <error name>` (a cancelled transaction, a failed condition…). */
  failures: Record<string, number>;
  /** Items returned by its `Query` commands. */
  queryItems: number;
}

const bump = (record: Record<string, number>, key: string, by = 1) => {
  record[key] = (record[key] ?? 0) + by;
};

const empty = (): FunctionCounts => ({ commands: {}, total: 0, retries: 0, failures: {}, queryItems: 0 });

export const countRequestsByFunction = (clients: readonly MiddlewareClient[]) => {
  let counts = new Map<string, FunctionCounts>();
  let counting = false;
  const mine = () => {
    const name = runningFunction() ?? 'bench';
    let entry = counts.get(name);
    if (!entry) counts.set(name, (entry = empty()));
    return entry;
  };
  for (const client of clients) {
    const stack = client.middlewareStack as LooseStack;
    stack.add(
      (
        next: (args: unknown) => Promise<{ output?: { Count?: number } }>,
        context: { commandName?: string },
      ) =>
        async (args: unknown) => {
          if (!counting) return next(args);
          const entry = mine();
          const command = String(context.commandName ?? 'unknown').replace(/Command$/, '');
          bump(entry.commands, command);
          entry.total++;
          try {
            const result = await next(args);
            if (command === 'Query') entry.queryItems += result.output?.Count ?? 0;
            return result;
          } catch (error) {
            bump(entry.failures, `${command} ${(error as { name?: string }).name ?? 'Error'}`);
            throw error;
          }
        },
      { step: 'initialize', name: COMMANDS },
    );
    stack.add(
      (next: (args: unknown) => Promise<unknown>) => async (args: unknown) => {
        if (counting) mine().retries++;
        return next(args);
      },
      { step: 'deserialize', name: ATTEMPTS },
    );
  }
  return {
    start: () => {
      counts = new Map();
      counting = true;
    },
    /** Per function; `retries` is attempts less commands. */
    stop: (): Record<string, FunctionCounts> => {
      counting = false;
      return Object.fromEntries(
        [...counts]
          .map(([name, c]): [string, FunctionCounts] => [
            name,
            { ...c, retries: c.retries - c.total, commands: sorted(c.commands) },
          ])
          .sort((a, b) => b[1].total - a[1].total),
      );
    },
    remove: () => {
      counting = false;
      for (const client of clients) {
        (client.middlewareStack as LooseStack).remove(COMMANDS);
        (client.middlewareStack as LooseStack).remove(ATTEMPTS);
      }
    },
  };
};

const sorted = (record: Record<string, number>) =>
  Object.fromEntries(Object.entries(record).sort((a, b) => b[1] - a[1]));
