/**
 * The local runner's request priorities (local/api-priority.ts): API invocations never wait for a slot,
 * transactional email goes ahead of other background work, and the rest waits its turn in order.
 */
import {
  asApiInvocation,
  asTransactionalInvocation,
  limitBackgroundRequests,
} from '../../local/api-priority';

type Middleware = (next: (args: unknown) => Promise<unknown>) => (args: unknown) => Promise<unknown>;

/** A stand-in SDK client: keeps the middleware the limiter adds, so a "request" can be run through it. */
const fakeClient = () => {
  let added: Middleware | undefined;
  return {
    middlewareStack: {
      add: (middleware: Middleware) => (added = middleware),
      remove: () => true,
    },
    /** One request: resolves when `finish` is called, after it got through the limiter. */
    request(order: string[], name: string) {
      let finish: () => void = () => undefined;
      const done = new Promise<void>((resolve) => (finish = resolve));
      const sent = added!(async () => {
        order.push(name);
        await done;
        return name;
      })({});
      return { sent, finish };
    },
  };
};

const tick = () => new Promise((resolve) => setImmediate(resolve));

test('with every slot taken, transactional requests go first, API requests never wait, the rest in order', async () => {
  const client = fakeClient();
  limitBackgroundRequests([client], 1);
  const order: string[] = [];
  const holder = client.request(order, 'holder');
  await tick();
  const nurture1 = client.request(order, 'nurture-1');
  const nurture2 = client.request(order, 'nurture-2');
  const confirmation = await asTransactionalInvocation(async () => client.request(order, 'confirmation'));
  const signup = await asApiInvocation(async () => client.request(order, 'signup'));
  await tick();
  // The signup went straight through; the others wait for the one slot.
  expect(order).toEqual(['holder', 'signup']);

  holder.finish();
  await tick();
  expect(order).toEqual(['holder', 'signup', 'confirmation']);
  confirmation.finish();
  await tick();
  nurture1.finish();
  await tick();
  nurture2.finish();
  signup.finish();
  await Promise.all([holder.sent, nurture1.sent, nurture2.sent, confirmation.sent, signup.sent]);
  expect(order).toEqual(['holder', 'signup', 'confirmation', 'nurture-1', 'nurture-2']);
});

test('a limit of 0 installs no limiter at all', async () => {
  const client = fakeClient();
  limitBackgroundRequests([client], 0);
  expect(() => client.request([], 'x')).toThrow();
});

test('while an API invocation runs, background requests are held to two in flight; when it ends, the rest go', async () => {
  const client = fakeClient();
  const limiter = limitBackgroundRequests([client], 4);
  const order: string[] = [];
  let endSignup: () => void = () => undefined;
  const signupRuns = asApiInvocation(() => new Promise<void>((resolve) => (endSignup = resolve)));
  const background = ['a', 'b', 'c', 'd'].map((name) => client.request(order, name));
  await tick();
  expect(order).toEqual(['a', 'b']);

  // A slot freed while the API invocation runs lets one more go, never a third at once.
  background[0].finish();
  await tick();
  expect(order).toEqual(['a', 'b', 'c']);

  // The invocation ends: the limit is four again, and the last one goes without waiting for a release.
  endSignup();
  await signupRuns;
  await tick();
  expect(order).toEqual(['a', 'b', 'c', 'd']);
  for (const request of background) request.finish();
  await Promise.all(background.map((request) => request.sent));
  limiter.remove();
});
