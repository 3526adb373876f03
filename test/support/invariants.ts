/**
 * The promises every fault test checks once the platform has gone quiet: queues drained, dead-letter queues
 * holding only what was genuinely poison, every shopper in the state the contract says, and each email that
 * was due in the inbox exactly once.
 */
import { GetQueueAttributesCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { QueueName } from '../../lib/platform';
import { emailsTo, type StoredEmail } from './mailbox';
import { sleep } from './wait';

/** Messages on a queue, visible, delayed or being handled. */
export const queueDepth = async (sqs: SQSClient, url: string): Promise<number> => {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: [
        'ApproximateNumberOfMessages',
        'ApproximateNumberOfMessagesNotVisible',
        'ApproximateNumberOfMessagesDelayed',
      ],
    }),
  );
  return (
    Number(Attributes.ApproximateNumberOfMessages ?? 0) +
    Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0) +
    Number(Attributes.ApproximateNumberOfMessagesDelayed ?? 0)
  );
};

/**
 * Waits until every queue has been empty on two looks a second apart (a handler may be about to queue the
 * next step of a chain), or fails naming the queues still busy.
 */
export const waitUntilQuiet = async (
  sqs: SQSClient,
  queueUrls: Record<QueueName, string>,
  timeoutMs = 60_000,
): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  let quietLooks = 0;
  for (;;) {
    const depths = await Promise.all(
      Object.entries(queueUrls).map(async ([name, url]) => [name, await queueDepth(sqs, url)] as const),
    );
    const busy = depths.filter(([, depth]) => depth > 0);
    quietLooks = busy.length === 0 ? quietLooks + 1 : 0;
    if (quietLooks >= 2) return;
    if (Date.now() > deadline)
      throw new Error(`queues still busy: ${busy.map(([name, depth]) => `${name}=${depth}`).join(', ')}`);
    await sleep(busy.length === 0 ? 1000 : 250);
  }
};

/** The bodies on every dead-letter queue (received with a short visibility, so they stay there). */
export const deadLetters = async (
  sqs: SQSClient,
  deadLetterQueueUrls: Record<QueueName, string>,
): Promise<Record<string, string[]>> => {
  const found: Record<string, string[]> = {};
  for (const [name, url] of Object.entries(deadLetterQueueUrls)) {
    if ((await queueDepth(sqs, url)) === 0) continue;
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, VisibilityTimeout: 1 }),
    );
    found[name] = Messages.map((m) => m.Body ?? '');
  }
  return found;
};

/** Each address's emails, by subject: `{ subject: count }`. */
export const inboxCounts = async (
  sesUrl: string,
  addresses: readonly string[],
): Promise<Record<string, Record<string, number>>> => {
  const response = await fetch(`${sesUrl}/store`);
  const { emails } = (await response.json()) as { emails: StoredEmail[] };
  const wanted = new Set(addresses.map((a) => a.toLowerCase()));
  const counts: Record<string, Record<string, number>> = Object.fromEntries(
    addresses.map((a) => [a.toLowerCase(), {}]),
  );
  for (const email of emails) {
    for (const to of email.destination.to) {
      const address = (/<([^>]+)>/.exec(to)?.[1] ?? to).trim().toLowerCase();
      if (!wanted.has(address)) continue;
      counts[address][email.subject] = (counts[address][email.subject] ?? 0) + 1;
    }
  }
  return counts;
};

/** Waits until every address has at least `count` emails (or the timeout), for a first look before checks. */
export const waitForInboxes = async (
  sesUrl: string,
  addresses: readonly string[],
  count: number,
  timeoutMs = 60_000,
): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const counts = await inboxCounts(sesUrl, addresses);
    const short = Object.values(counts).filter(
      (bySubject) => Object.values(bySubject).reduce((a, b) => a + b, 0) < count,
    );
    if (short.length === 0 || Date.now() > deadline) return;
    await sleep(250);
  }
};

export const statusesOf = async (
  dynamo: DynamoDBDocumentClient,
  table: string,
  ids: readonly string[],
): Promise<string[]> =>
  Promise.all(
    ids.map(
      async (id) =>
        (await dynamo.send(new GetCommand({ TableName: table, Key: { id }, ConsistentRead: true }))).Item
          ?.status as string,
    ),
  );

export { emailsTo };
