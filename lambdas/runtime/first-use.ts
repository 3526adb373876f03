/**
 * An AWS SDK client made when it is first used rather than when its module loads. The first SDK package a
 * fresh Node.js process requires costs it about 100 ms (the shared @smithy and @aws-sdk core it brings), so
 * a handler module that only names a client (to queue an email on one route, to back off a failed record)
 * should not pay for it at every cold start: `make` requires the package and builds the client on first use.
 *
 * What is handed out stands for that one client from the start: every property read, write and delete goes
 * to it, and its methods run with the stand-in as `this`. So the module's export keeps its identity, which
 * code outside the handlers relies on: the local runner and the bench add middleware to these clients and
 * tell them apart from other clients by identity (bench/lib/requests.ts), and fault tests add middleware to
 * them before any handler has sent anything.
 */
export const madeOnFirstUse = <Client extends object>(make: () => Client): Client => {
  let client: Client | undefined;
  const made = (): Client => (client ??= make());
  return new Proxy({} as Client, {
    get: (_, key) => Reflect.get(made(), key),
    set: (_, key, value) => Reflect.set(made(), key, value),
    has: (_, key) => Reflect.has(made(), key),
    deleteProperty: (_, key) => Reflect.deleteProperty(made(), key),
    defineProperty: (_, key, descriptor) => Reflect.defineProperty(made(), key, descriptor),
    getOwnPropertyDescriptor: (_, key) => Reflect.getOwnPropertyDescriptor(made(), key),
    ownKeys: () => Reflect.ownKeys(made()),
    getPrototypeOf: () => Reflect.getPrototypeOf(made()),
  });
};
