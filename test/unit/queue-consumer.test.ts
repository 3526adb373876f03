/**
 * The one queue consumer (lambdas/runtime/queue-consumer.ts): what becomes of a poison message, a transient
 * failure, a failure that knows when to come back, a permanent one and a success, for each message on its own
 * and for a batch handled at once. SQS is mocked: the backoff is a ChangeMessageVisibilityBatch request.
 */
import { ChangeMessageVisibilityBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import * as z from 'zod/mini';
import { logger } from '../../lambdas/runtime/logger';
import { consumeBatch, consumeEach } from '../../lambdas/runtime/queue-consumer';

const QUEUE_URL = 'http://sqs.local/000000000000/seal';
process.env.QUEUE_SEAL_URL = QUEUE_URL;

const sqs = mockClient(SQSClient);
const errors = jest.spyOn(logger, 'error').mockImplementation(() => undefined);
const warnings = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);

beforeEach(() => {
  sqs.reset();
  sqs.on(ChangeMessageVisibilityBatchCommand).resolves({});
  errors.mockClear();
  warnings.mockClear();
});
afterAll(() => sqs.restore());

const message = z.object({ n: z.int() });
type Message = z.infer<typeof message>;

const record = (body: unknown, messageId: string, receiveCount = 1): SQSRecord =>
  ({
    messageId,
    receiptHandle: `handle-${messageId}`,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    attributes: { ApproximateReceiveCount: String(receiveCount) },
  }) as unknown as SQSRecord;

const throttled = () => Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });

class ComeBackLater extends Error {}

/** The visibility changes asked for: receipt handle → seconds. */
const delays = () =>
  sqs.commandCalls(ChangeMessageVisibilityBatchCommand).flatMap((call) => {
    expect(call.args[0].input.QueueUrl).toBe(QUEUE_URL);
    return call.args[0].input.Entries!.map((e) => [e.ReceiptHandle, e.VisibilityTimeout]);
  });

const failuresOf = (response: { batchItemFailures: { itemIdentifier: string }[] }) =>
  response.batchItemFailures.map((f) => f.itemIdentifier).sort();

describe('a consumer of each message on its own', () => {
  const handled: Message[] = [];
  const consume = consumeEach({
    queue: 'seal',
    schema: message,
    retryAfterSeconds: (error) => (error instanceof ComeBackLater ? 7 : undefined),
    handle: async (m) => {
      handled.push(m);
      if (m.n === 1) throw throttled();
      if (m.n === 2) throw new Error('broken for good');
      if (m.n === 3) throw new ComeBackLater('not yet');
    },
  });
  beforeEach(() => handled.splice(0));

  test('a success is not among the failures, and nothing is delayed', async () => {
    const response = await consume({ Records: [record({ n: 0 }, 'ok')] });
    expect(response.batchItemFailures).toEqual([]);
    expect(handled).toEqual([{ n: 0 }]);
    expect(delays()).toEqual([]);
  });

  test('a poison message fails without being handled, is logged once, and waits out the visibility timeout', async () => {
    const response = await consume({
      Records: [record('{"n":', 'not-json'), record({ n: 'one' }, 'wrong-shape'), record({ n: 0 }, 'ok')],
    });
    expect(failuresOf(response)).toEqual(['not-json', 'wrong-shape']);
    expect(handled).toEqual([{ n: 0 }]);
    expect(errors).toHaveBeenCalledTimes(2);
    expect(
      errors.mock.calls.map(([text, details]) => [text, (details as { messageId: string }).messageId]),
    ).toEqual([
      ['malformed queue message', 'not-json'],
      ['malformed queue message', 'wrong-shape'],
    ]);
    expect(delays()).toEqual([]);
  });

  test('a transient failure fails and comes back after its backoff, doubling with each receive', async () => {
    const response = await consume({ Records: [record({ n: 1 }, 'first', 1), record({ n: 1 }, 'third', 3)] });
    expect(failuresOf(response)).toEqual(['first', 'third']);
    expect(delays()).toEqual([
      ['handle-first', 2],
      ['handle-third', 8],
    ]);
    expect(warnings).not.toHaveBeenCalled();
  });

  test('a failure that knows when to come back comes back then', async () => {
    const response = await consume({ Records: [record({ n: 3 }, 'later', 5)] });
    expect(failuresOf(response)).toEqual(['later']);
    expect(delays()).toEqual([['handle-later', 7]]);
  });

  test('any other failure fails, is logged, and waits out the visibility timeout', async () => {
    const response = await consume({ Records: [record({ n: 2 }, 'broken'), record({ n: 0 }, 'ok')] });
    expect(failuresOf(response)).toEqual(['broken']);
    expect(warnings).toHaveBeenCalledWith(
      'queue message failed',
      expect.objectContaining({ queue: 'seal', messageId: 'broken', error: 'broken for good' }),
    );
    expect(delays()).toEqual([]);
  });

  test("a consumer's own rule of what is transient, and its own backoff, replace the defaults", async () => {
    const own = consumeEach({
      queue: 'seal',
      schema: message,
      isTransient: (error) => error instanceof ComeBackLater,
      backoff: { baseSeconds: 10, maxSeconds: 900 },
      handle: async (m) => {
        if (m.n === 1) throw throttled();
        throw new ComeBackLater('not now');
      },
    });
    const response = await own({ Records: [record({ n: 1 }, 'throttled'), record({ n: 3 }, 'not-now', 2)] });
    expect(failuresOf(response)).toEqual(['not-now', 'throttled']);
    expect(delays()).toEqual([['handle-not-now', 20]]);
  });
});

describe('a consumer of a batch at once', () => {
  const calls: Message[][] = [];
  const consume = consumeBatch({
    queue: 'seal',
    schema: message,
    handleBatch: async (batch) => {
      calls.push(batch.map(({ message }) => message));
      if (batch.some(({ message }) => message.n === 9)) throw throttled();
      if (batch.some(({ message }) => message.n === 8)) throw new Error('ledger gone');
      return batch.map(({ message }): PromiseSettledResult<unknown> => {
        if (message.n === 1) return { status: 'rejected', reason: throttled() };
        if (message.n === 2) return { status: 'rejected', reason: new Error('broken for good') };
        return { status: 'fulfilled', value: 'sent' };
      });
    },
  });
  beforeEach(() => calls.splice(0));

  test('gets every valid message in one call, and each message succeeds or fails by its own outcome', async () => {
    const response = await consume({
      Records: [
        record({ n: 0 }, 'ok'),
        record('nonsense', 'poison'),
        record({ n: 1 }, 'throttled', 2),
        record({ n: 2 }, 'broken'),
        record({ n: 0 }, 'ok-too'),
      ],
    });
    expect(calls).toEqual([[{ n: 0 }, { n: 1 }, { n: 2 }, { n: 0 }]]);
    expect(failuresOf(response)).toEqual(['broken', 'poison', 'throttled']);
    expect(delays()).toEqual([['handle-throttled', 4]]);
    expect(errors).toHaveBeenCalledTimes(1);
    expect(warnings).toHaveBeenCalledTimes(1);
    expect(warnings).toHaveBeenCalledWith(
      'queue message failed',
      expect.objectContaining({ messageId: 'broken' }),
    );
  });

  test('when the batch itself fails, every valid message fails by that failure, said once', async () => {
    const response = await consume({
      Records: [record({ n: 0 }, 'a'), record({ n: 9 }, 'b', 3), record('[]', 'poison')],
    });
    expect(calls).toHaveLength(1);
    expect(failuresOf(response)).toEqual(['a', 'b', 'poison']);
    expect(delays()).toEqual([
      ['handle-a', 2],
      ['handle-b', 8],
    ]);
    expect(warnings).toHaveBeenCalledTimes(1);
    expect(warnings).toHaveBeenCalledWith('queue batch failed', expect.objectContaining({ queue: 'seal' }));
  });

  test('a batch that fails for good fails every message, said once for the batch and not for each', async () => {
    const response = await consume({ Records: [record({ n: 0 }, 'a'), record({ n: 8 }, 'b')] });
    expect(failuresOf(response)).toEqual(['a', 'b']);
    expect(warnings.mock.calls.map(([text]) => text)).toEqual(['queue batch failed']);
    expect(delays()).toEqual([]);
  });

  test('a batch of nothing but poison makes no call', async () => {
    const response = await consume({ Records: [record('', 'empty')] });
    expect(calls).toEqual([]);
    expect(failuresOf(response)).toEqual(['empty']);
  });

  test("a body that is not JSON of ours is read by the consumer's own reader", async () => {
    const read: string[] = [];
    const consumeText = consumeBatch({
      queue: 'seal',
      readBody: (body) => {
        if (!body.startsWith('say:')) throw new Error('not a saying');
        return body.slice(4);
      },
      handleBatch: async (batch) => {
        read.push(...batch.map(({ message }) => message));
        return batch.map(() => ({ status: 'fulfilled', value: undefined }));
      },
    });
    const response = await consumeText({ Records: [record('say:hello', 'hello'), record('{}', 'json')] });
    expect(read).toEqual(['hello']);
    expect(failuresOf(response)).toEqual(['json']);
  });
});
