/**
 * What the floors share when they send email with the platform's calls (restock-floor-calls.ts for alerts,
 * signup-floor-sender.ts for confirmations): a queue consumed as the event source mapping hands a function
 * its batches, and a batch's sends as lambdas/use-cases/deliver-email.ts makes them, directly with the SDK.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SendRawEmailCommand, SESClient } from '@aws-sdk/client-ses';
import {
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SQSClient,
  type Message,
} from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import { emailIdTag } from '../../lambdas/domain/email-tag';
import { anyShard, type CounterChanges } from '../../lambdas/domain/statistics';
import { askCapacityLikeTheMeter } from '../lib/requests-by-function';
import type { BenchStack } from '../lib/stack';

/** A floor's own SDK clients (not the handlers', so nothing a floor does is counted as the platform's). */
export const floorClients = (stack: BenchStack) => {
  const common = { region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
  const dynamo = DynamoDBDocumentClient.from(
    new DynamoDBClient({ ...common, endpoint: stack.endpoints.dynamodb }),
  );
  // The platform's calls are metered, which asks DynamoDB for their consumed capacity: so are these.
  askCapacityLikeTheMeter(dynamo);
  return {
    dynamo,
    ses: new SESClient({ ...common, endpoint: stack.endpoints.ses }),
    sqs: new SQSClient({ ...common, endpoint: stack.endpoints.sqs }),
  };
};

/** The counters' ADD updates, as lambdas/store/stats-store.ts counterUpdates writes them. */
export const counterAdds = (changes: CounterChanges, table: string) =>
  changes.entries().map(([key, attributes]) => {
    const entries = Object.entries(attributes);
    return {
      Update: {
        TableName: table,
        Key: { key },
        UpdateExpression: `ADD ${entries.map((_, i) => `#c${i} :c${i}`).join(', ')}`,
        ExpressionAttributeNames: Object.fromEntries(entries.map(([name], i) => [`#c${i}`, name])),
        ExpressionAttributeValues: Object.fromEntries(entries.map(([, by], i) => [`:c${i}`, by])),
      },
    };
  });

/**
 * `pollers` loops, each receiving up to `batchSize` messages (long polling, 1 s), handing them to `handle`,
 * then deleting them; a loop stops when `goOn(lastReceiveEmpty)` says so.
 */
export const pollFloorQueue = async (
  sqs: SQSClient,
  queueUrl: string,
  options: {
    pollers: number;
    batchSize: number;
    handle: (messages: Message[]) => Promise<void>;
    goOn: (lastReceiveEmpty: boolean) => boolean;
  },
): Promise<void> => {
  const poller = async () => {
    for (let empty = false; options.goOn(empty);) {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: options.batchSize,
          WaitTimeSeconds: 1,
        }),
      );
      empty = Messages.length === 0;
      if (empty) continue;
      await options.handle(Messages);
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: Messages.map((m, n) => ({ Id: String(n), ReceiptHandle: m.ReceiptHandle! })),
        }),
      );
    }
  };
  await Promise.all(Array.from({ length: options.pollers }, poller));
};

/** One email of a floor's batch: its id and what its ledger rows say of it (as the platform's SendDetails). */
export interface FloorEmail {
  emailId: string;
  details: Record<string, unknown>;
}

/**
 * A batch's sends with the ledger's calls, as the mailer's `sendBatch` makes them: one transaction of the
 * claims (conditional puts), one SendRawEmail each (`raw`, built once, to `address`, tagged with the email's
 * id and in the configuration set, so the runner's SES events reach the platform's feedback function as the
 * platform's do), one transaction of the sent records (conditional), their `ses#` rows and the counters.
 * `composed` runs between the claims and the sends, where the platform writes the emails' links.
 */
export const floorMailer =
  (options: {
    dynamo: DynamoDBDocumentClient;
    ses: SESClient;
    ledger: string;
    raw: Uint8Array;
    address: string;
    configurationSet: string | undefined;
  }) =>
  async (
    emails: readonly FloorEmail[],
    /** The batch's counter changes, on the counters' `shard` (a random one, as the platform's record). */
    counters: (sentAt: string, shard: number) => CounterChanges,
    composed: () => Promise<void> = async () => undefined,
  ): Promise<void> => {
    const { dynamo, ses, ledger } = options;
    const nowMs = Date.now();
    const claimedAt = new Date(nowMs).toISOString();
    await dynamo.send(
      new TransactWriteCommand({
        TransactItems: emails.map(({ emailId, details }) => ({
          Put: {
            TableName: ledger,
            Item: {
              key: `email#${emailId}`,
              state: 'sending',
              claimId: randomUUID(),
              leaseUntil: nowMs + 60_000,
              claimedAt,
              ...details,
            },
            ConditionExpression: 'attribute_not_exists(#key) OR (#state = :sending AND leaseUntil < :now)',
            ExpressionAttributeNames: { '#key': 'key', '#state': 'state' },
            ExpressionAttributeValues: { ':sending': 'sending', ':now': nowMs },
          },
        })),
      }),
    );
    await composed();
    const messageIds = await Promise.all(
      emails.map(
        async ({ emailId }) =>
          (
            await ses.send(
              new SendRawEmailCommand({
                RawMessage: { Data: options.raw },
                Destinations: [options.address],
                ...(options.configurationSet ? { ConfigurationSetName: options.configurationSet } : {}),
                Tags: [emailIdTag(emailId)],
              }),
            )
          ).MessageId ?? '',
      ),
    );
    const sentAt = new Date().toISOString();
    await dynamo.send(
      new TransactWriteCommand({
        TransactItems: [
          ...emails.map(({ emailId, details }, i) => ({
            Put: {
              TableName: ledger,
              Item: {
                key: `email#${emailId}`,
                ...details,
                state: 'sent',
                claimedAt,
                sesMessageId: messageIds[i],
                sentAt,
                subject: '[floor]',
              },
              ConditionExpression: '#state = :sending',
              ExpressionAttributeNames: { '#state': 'state' },
              ExpressionAttributeValues: { ':sending': 'sending' },
            },
          })),
          ...emails.map(({ emailId }, i) => ({
            Put: {
              TableName: ledger,
              Item: {
                key: `ses#${messageIds[i]}`,
                emailId,
                expiresAt: Math.floor(nowMs / 1000) + 90 * 86_400,
              },
            },
          })),
          ...counterAdds(counters(sentAt, anyShard()), ledger),
        ],
      }),
    );
  };
