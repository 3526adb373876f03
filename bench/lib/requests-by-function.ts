/**
 * AWS requests per function and command, for a scenario where several functions work at once (the hold
 * keeper, the allocator, the alerter and the sender all act on one expiry): an SDK middleware on the handlers'
 * clients reads the running invocation's function name (bench/lib/invocations.ts; the bench stack runs every
 * invocation under it) and counts `<function> <command>`, the SDK's retries apart, failed commands by error
 * name, and the items each `Query` returned (what a read costs DynamoDB beyond the request itself).
 * Requests made outside any invocation are counted under `bench`.
 *
 * It also counts what AWS bills for them (lib/cost.ts turns it into dollars):
 * - DynamoDB capacity as DynamoDB Local reports it: while counting, each DynamoDB command that accepts it is
 *   sent with `ReturnConsumedCapacity` and the answer's `ConsumedCapacity` is summed, as read or write request
 *   units by command. DynamoDB Local reports Get, BatchGet, Query, Scan, Put, Update, Delete, BatchWrite and the
 *   transactions (doubled, as AWS bills them) with table and index sizes, but two exceptions are estimated:
 *   a failed conditional write reports nothing, and AWS bills it at least 1 WRU (its item's size); a
 *   cancelled transaction, 2 WRU per item; and in a successful TransactWriteItems, DynamoDB Local adds up only
 *   the *distinct* per-item figures of a table (two 1 KB puts on one table report 2 WRU, not 4: measured), so
 *   where a table's figure is under 2 WRU per item it is scaled up to that (a lower bound when its items
 *   differ in size).
 * - SQS requests as billed: each 64 KB chunk of a send's payload is one request.
 * - SES messages: one per recipient of each email sent.
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
  /** DynamoDB read request units, as DynamoDB Local reported them, by command. */
  readUnits: Record<string, number>;
  /** DynamoDB write request units, as DynamoDB Local reported them, by command. */
  writeUnits: Record<string, number>;
  /** Write request units the bench estimated where DynamoDB Local reports none or too few (see above). */
  estimatedWriteUnits: Record<string, number>;
  /** SQS requests as billed (a 64 KB chunk of payload each). */
  sqsBilled: number;
  /** SES messages: recipients of the emails sent. */
  sesMessages: number;
}

const bump = (record: Record<string, number>, key: string, by = 1) => {
  if (by) record[key] = (record[key] ?? 0) + by;
};

export const noRequests = (): FunctionCounts => ({
  commands: {},
  total: 0,
  retries: 0,
  failures: {},
  queryItems: 0,
  readUnits: {},
  writeUnits: {},
  estimatedWriteUnits: {},
  sqsBilled: 0,
  sesMessages: 0,
});

export const sum = (record: Record<string, number>): number =>
  Object.values(record).reduce((a, b) => a + b, 0);

const READS = new Set(['GetItem', 'BatchGetItem', 'Query', 'Scan', 'TransactGetItems']);
const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);
const SQS_CHUNK = 64 * 1024;

/**
 * A DynamoDB command's input asking for the capacity it consumed, as the counter sends it: INDEXES for a
 * transaction (its table's own figure tells whether DynamoDB Local collapsed items), TOTAL otherwise. A
 * floor sends its calls the same way (`askCapacityLikeTheMeter`), so that DynamoDB Local does the same work
 * for both.
 */
const withCapacity = <T extends object>(command: string, input: T): T =>
  READS.has(command) || WRITES.has(command)
    ? { ...input, ReturnConsumedCapacity: command === 'TransactWriteItems' ? 'INDEXES' : 'TOTAL' }
    : input;

/** Makes a floor's own DynamoDB client send every command as the metered platform's are sent. */
export const askCapacityLikeTheMeter = (client: MiddlewareClient): void =>
  (client.middlewareStack as LooseStack).add(
    (next: (args: { input?: object }) => Promise<unknown>, context: { commandName?: string }) =>
      (args: { input?: object }) =>
        next({
          ...args,
          input: withCapacity(String(context.commandName ?? '').replace(/Command$/, ''), args.input ?? {}),
        }),
    { step: 'initialize', name: 'floorAsksCapacity' },
  );

interface Capacity {
  TableName?: string;
  CapacityUnits?: number;
  ReadCapacityUnits?: number;
  WriteCapacityUnits?: number;
  Table?: { CapacityUnits?: number };
}

interface TransactItem {
  [action: string]: { TableName?: string } | undefined;
}

interface CommandInput {
  TransactItems?: TransactItem[];
  MessageBody?: string;
  Entries?: { MessageBody?: string }[];
  Destinations?: string[];
  Destination?: { ToAddresses?: string[]; CcAddresses?: string[]; BccAddresses?: string[] };
}

const tableOf = (item: TransactItem) => Object.values(item).find((action) => action?.TableName)?.TableName;

/** Items per table of a transaction. */
const itemsPerTable = (input: CommandInput) => {
  const counts: Record<string, number> = {};
  for (const item of input.TransactItems ?? []) bump(counts, tableOf(item) ?? '?');
  return counts;
};

/** Reported units, and the units a TransactWriteItems' collapsed per-table figures are short of (see above). */
const unitsOf = (command: string, consumed: Capacity | Capacity[] | undefined, input: CommandInput) => {
  const list = consumed === undefined ? [] : Array.isArray(consumed) ? consumed : [consumed];
  let read = 0;
  let write = 0;
  let missing = 0;
  const perTable = command === 'TransactWriteItems' ? itemsPerTable(input) : {};
  for (const c of list) {
    const units = c.CapacityUnits ?? (c.ReadCapacityUnits ?? 0) + (c.WriteCapacityUnits ?? 0);
    if (c.ReadCapacityUnits !== undefined || c.WriteCapacityUnits !== undefined) {
      read += c.ReadCapacityUnits ?? 0;
      write += c.WriteCapacityUnits ?? 0;
    } else if (READS.has(command)) read += units;
    else write += units;
    const items = perTable[c.TableName ?? '?'] ?? 0;
    const table = c.Table?.CapacityUnits ?? units;
    if (items > 1 && table > 0 && table < 2 * items) missing += units * ((2 * items) / table - 1);
  }
  return { read, write, missing };
};

const bytes = (text: string | undefined) => Buffer.byteLength(text ?? '');

const sqsBilledOf = (command: string, input: CommandInput) => {
  if (command === 'SendMessage') return Math.max(1, Math.ceil(bytes(input.MessageBody) / SQS_CHUNK));
  if (command === 'SendMessageBatch') {
    const payload = (input.Entries ?? []).reduce((n, e) => n + bytes(e.MessageBody), 0);
    return Math.max(1, Math.ceil(payload / SQS_CHUNK));
  }
  return 1;
};

const recipientsOf = (input: CommandInput) => {
  if (input.Destinations?.length) return input.Destinations.length;
  const d = input.Destination;
  const n = (d?.ToAddresses?.length ?? 0) + (d?.CcAddresses?.length ?? 0) + (d?.BccAddresses?.length ?? 0);
  return Math.max(1, n);
};

type Service = 'DynamoDB' | 'SQS' | 'SES' | 'other';

/** By the client's class: `DynamoDBDocumentClient`, `SQSClient`, `SESClient`. */
const serviceOf = (client: MiddlewareClient): Service => {
  const name = client.constructor.name;
  return name.startsWith('DynamoDB')
    ? 'DynamoDB'
    : name.startsWith('SQS')
      ? 'SQS'
      : name.startsWith('SES')
        ? 'SES'
        : 'other';
};

export const countRequestsByFunction = (clients: readonly MiddlewareClient[]) => {
  let counts = new Map<string, FunctionCounts>();
  let counting = false;
  const mine = () => {
    const name = runningFunction() ?? 'bench';
    let entry = counts.get(name);
    if (!entry) counts.set(name, (entry = noRequests()));
    return entry;
  };
  for (const client of clients) {
    const stack = client.middlewareStack as LooseStack;
    const service = serviceOf(client);
    stack.add(
      (
        next: (args: {
          input?: unknown;
        }) => Promise<{ output?: { Count?: number; ConsumedCapacity?: Capacity } }>,
        context: { commandName?: string },
      ) =>
        async (args: { input?: unknown }) => {
          if (!counting) return next(args);
          const entry = mine();
          const command = String(context.commandName ?? 'unknown').replace(/Command$/, '');
          const input = (args.input ?? {}) as CommandInput;
          bump(entry.commands, command);
          entry.total++;
          const capacity = service === 'DynamoDB' && (READS.has(command) || WRITES.has(command));
          const sent = capacity ? { ...args, input: withCapacity(command, input) } : args;
          try {
            const result = await next(sent);
            if (command === 'Query') entry.queryItems += result.output?.Count ?? 0;
            if (capacity) {
              const units = unitsOf(command, result.output?.ConsumedCapacity, input);
              bump(entry.readUnits, command, units.read);
              bump(entry.writeUnits, command, units.write);
              bump(entry.estimatedWriteUnits, command, units.missing);
            }
            if (service === 'SQS') entry.sqsBilled += sqsBilledOf(command, input);
            if (service === 'SES' && /^Send(Raw)?Email$/.test(command))
              entry.sesMessages += recipientsOf(input);
            return result;
          } catch (error) {
            const name = (error as { name?: string }).name ?? 'Error';
            bump(entry.failures, `${command} ${name}`);
            if (service === 'SQS') entry.sqsBilled += 1;
            // What AWS bills for a write that did not happen (DynamoDB Local reports nothing).
            if (capacity && name === 'ConditionalCheckFailedException')
              bump(entry.estimatedWriteUnits, command, 1);
            if (capacity && name === 'TransactionCanceledException')
              bump(entry.estimatedWriteUnits, command, 2 * (input.TransactItems?.length ?? 1));
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
    /** Stops counting for a while (work that is not the platform's); `resume()` goes on from the same counts. */
    pause: () => {
      counting = false;
    },
    resume: () => {
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
