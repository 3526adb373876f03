/**
 * The API first. On AWS the API's Lambda instances share nothing with the queue consumers': their own
 * process, their own sockets, and DynamoDB scales under both. Locally every function runs in this one process,
 * on the same SDK clients (one socket pool each) and one DynamoDB Local on the same cores, so a burst of
 * background work (a restock allocating pages of 32 writes, four alert batches of ten, a sweep claiming 48
 * steps at once: hundreds of requests in flight) would put every shopper's request at the back of its queue,
 * which the deployed platform never does. So the runner marks the gateway's invocations, and holds every
 * other AWS request of the handlers' clients to a few in flight: the background work still runs flat out
 * (the emulators are CPU-bound, and a few requests in flight keep them busy), but an API request only ever
 * waits behind those few. While an API invocation runs, fewer still: a request already at DynamoDB Local
 * cannot be overtaken, and on two cores each one in flight adds to every shopper's wait.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

type Invocation = 'api' | 'transactional';
const invocation = new AsyncLocalStorage<Invocation>();

/** Background requests in flight while an API invocation runs (at most; the limit when none runs). */
const WHILE_API_RUNS = 2;

let apiInFlight = 0;
/** The limiters to wake when the last API invocation ends: their waiting requests may go again. */
const onApiIdle = new Set<() => void>();

/** Runs one API invocation: every AWS request it makes skips the background limit. */
export const asApiInvocation = async <T>(invoke: () => Promise<T>): Promise<T> => {
  apiInFlight++;
  try {
    return await invocation.run('api', invoke);
  } finally {
    if (--apiInFlight === 0) for (const wake of onApiIdle) wake();
  }
};

/**
 * Runs one invocation of a consumer whose work a shopper is waiting for (the transactional email queue: a
 * confirmation the shopper was just promised). Its requests still count against the limit, but go ahead of
 * the other background requests waiting for a slot, so a burst of alerts and nurture steps cannot delay it.
 */
export const asTransactionalInvocation = <T>(invoke: () => Promise<T>): Promise<T> =>
  invocation.run('transactional', invoke);

/** A counting semaphore whose limit may change, FIFO within each of two priorities. */
class Slots {
  private inUse = 0;
  private readonly waiting: { first: (() => void)[]; rest: (() => void)[] } = { first: [], rest: [] };

  constructor(private readonly limit: () => number) {}

  acquire(first: boolean): Promise<void> {
    const waiting = this.waiting.first.length + this.waiting.rest.length;
    if (waiting === 0 && this.inUse < this.limit()) {
      this.inUse++;
      return Promise.resolve();
    }
    return new Promise((resolve) => (first ? this.waiting.first : this.waiting.rest).push(resolve));
  }

  release(): void {
    this.inUse--;
    this.wake();
  }

  /** Lets waiting requests go while there are slots: after a release, or when the limit rose. */
  wake(): void {
    while (this.inUse < this.limit()) {
      const next = this.waiting.first.shift() ?? this.waiting.rest.shift();
      if (!next) return;
      this.inUse++;
      next();
    }
  }
}

/** What is used of an SDK client: its middleware stack (each client types its own; only add/remove here). */
interface SdkClient {
  middlewareStack: object;
}

interface LooseStack {
  add(middleware: unknown, options: { step: string; priority: string; name: string }): void;
  remove(name: string): boolean;
}

const MIDDLEWARE = 'localBackgroundRequestLimit';

/**
 * Holds the clients' requests made outside an API invocation to `limit` in flight, all clients together
 * (0: no limit). Per HTTP attempt, inside the SDK's retry loop, so a request backing off holds no slot.
 */
export const limitBackgroundRequests = (clients: readonly SdkClient[], limit: number) => {
  if (limit <= 0) return { remove: () => undefined };
  const slots = new Slots(() => (apiInFlight > 0 ? Math.min(limit, WHILE_API_RUNS) : limit));
  const wake = () => slots.wake();
  onApiIdle.add(wake);
  for (const client of clients) {
    // One limiter per client: a platform started again in the same process (tests) replaces the last one's.
    (client.middlewareStack as LooseStack).remove(MIDDLEWARE);
    (client.middlewareStack as LooseStack).add(
      (next: (args: unknown) => Promise<unknown>) => async (args: unknown) => {
        const kind = invocation.getStore();
        if (kind === 'api') return next(args);
        await slots.acquire(kind === 'transactional');
        try {
          return await next(args);
        } finally {
          slots.release();
        }
      },
      { step: 'finalizeRequest', priority: 'low', name: MIDDLEWARE },
    );
  }
  return {
    remove: () => {
      onApiIdle.delete(wake);
      for (const client of clients) (client.middlewareStack as LooseStack).remove(MIDDLEWARE);
    },
  };
};
