/**
 * The restock scenario's floor with the platform's own calls: every request the platform makes for a
 * restock, as the measured run counts them by command, issued directly with the SDK on a product and a queue
 * of the floor's own, with the platform's concurrency. What it leaves out is exactly the work the platform
 * adds: the handlers, middy and validation, the allocation's planning and retries, rendering each alert for
 * its shopper (the floor sends one alert, built once), and the local runner's handing over of messages.
 *
 * An allocation page (250 backorders, one at a time, as the restock queue hands them over):
 * - GetItem the product (the run's state), UpdateItem its lease;
 * - Query the 16 shards of the waiting index, 32 keys each (the merged page's first round);
 * - UpdateItem the product: the page's units off the stock, the reservation recorded;
 * - GetItem the site settings; GetItem the queue's summary row;
 * - three TransactWriteItems of up to 100 conditional updates (waiting → allocated, the alert's link hash and
 *   the event appended, as lambdas/store/allocation-writes.ts writes them), each read back with BatchGetItem;
 * - SendMessageBatch of the 250 alerts, ten to a request;
 * - TransactWriteItems settling the reservation with the product's counters; GetItem the product;
 * - SendMessageBatch of the next page's message, UpdateItem the page done; the message is received and
 *   deleted as the event source mapping would.
 * An alert batch (ten alerts, `pollers` batches at once, received from the alert queue and deleted after):
 * - TransactWriteItems of the ten claims (conditional puts on the ledger);
 * - ten SendRawEmail, tagged and in the configuration set as the platform's (the runner's SES events then
 *   reach the platform's feedback function, as the platform's do);
 * - TransactWriteItems of the ten sent records (conditional), their `ses#` lookup rows and the email counters.
 */
import { SendRawEmailCommand } from '@aws-sdk/client-ses';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteQueueCommand,
  ReceiveMessageCommand,
} from '@aws-sdk/client-sqs';
import { TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import { emailIdTag } from '../../lambdas/domain/email-tag';
import { alertsSentChanges } from '../../lambdas/domain/funnel';
import { emailsSentChanges } from '../../lambdas/domain/statistics';
import { PAGE_SIZE } from '../../lambdas/use-cases/allocate-restock';
import { CpuAccount, cpuPerRequest, type CpuReport } from '../lib/cpu';
import { countClientRequests } from '../lib/requests';
import { counterAdds, floorAllocation } from './restock-floor-allocation';
import { floorClients } from './restock-floor';
import type { BenchStack } from '../lib/stack';
import type { SeededBackorder } from '../../test/support/backorder-rows';

export interface CallsFloorResult {
  alerts: number;
  seconds: number;
  rate: number;
  pollers: number;
  requests: Record<string, number>;
  cpu: CpuReport;
  cpuMsPerAlert: Record<string, number>;
}

export const runCallsFloor = async (
  stack: BenchStack,
  options: {
    /** The floor's own waiting backorders, on a product of its own with no stock. */
    sku: string;
    seeded: readonly SeededBackorder[];
    pollers: number;
    batchSize: number;
    run: string;
    /** One restock alert, rendered and built as the alerter builds one. */
    raw: Uint8Array;
    address: string;
    configurationSet: string | undefined;
    timeoutMs: number;
  },
): Promise<CallsFloorResult> => {
  const { dynamo, ses, sqs } = floorClients(stack);
  const { tableNames } = stack.platform;
  const [alertQueue, pageQueue] = await Promise.all(
    ['alerts', 'pages'].map(
      async (name) =>
        (
          await sqs.send(
            new CreateQueueCommand({ QueueName: `${stack.prefix}bench-floor-${name}-${options.run}` }),
          )
        ).QueueUrl!,
    ),
  );
  const allocatePage = floorAllocation({
    dynamo,
    sqs,
    tableNames,
    sku: options.sku,
    run: options.run,
    alertQueue,
    pageQueue,
  });
  const total = options.seeded.length;

  const alertBatch = async (bodies: readonly string[]): Promise<void> => {
    const nowMs = Date.now();
    const alerts = bodies.map(
      (body) => JSON.parse(body) as { backorderId: string; sku: string; email: string },
    );
    const emailIds = alerts.map((a) => `floor#${options.run}#${a.backorderId}`);
    const details = (i: number) => ({
      recipientKey: options.address,
      backorderId: alerts[i].backorderId,
      kind: 'restock',
      sku: alerts[i].sku,
    });
    await dynamo.send(
      new TransactWriteCommand({
        TransactItems: emailIds.map((emailId, i) => ({
          Put: {
            TableName: tableNames.ledger,
            Item: {
              key: `email#${emailId}`,
              state: 'sending',
              claimId: randomUUID(),
              leaseUntil: nowMs + 60_000,
              claimedAt: new Date(nowMs).toISOString(),
              ...details(i),
            },
            ConditionExpression: 'attribute_not_exists(#key) OR (#state = :sending AND leaseUntil < :now)',
            ExpressionAttributeNames: { '#key': 'key', '#state': 'state' },
            ExpressionAttributeValues: { ':sending': 'sending', ':now': nowMs },
          },
        })),
      }),
    );
    const messageIds = await Promise.all(
      emailIds.map(
        async (emailId) =>
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
    const counters = emailsSentChanges('restock', alerts.length, 0).merge(
      alertsSentChanges(
        alerts.map((a) => a.sku),
        sentAt,
        0,
      ),
    );
    await dynamo.send(
      new TransactWriteCommand({
        TransactItems: [
          ...emailIds.map((emailId, i) => ({
            Put: {
              TableName: tableNames.ledger,
              Item: {
                key: `email#${emailId}`,
                ...details(i),
                state: 'sent',
                claimedAt: new Date(nowMs).toISOString(),
                sesMessageId: messageIds[i],
                sentAt,
                subject: '[floor] restock alert',
              },
              ConditionExpression: '#state = :sending',
              ExpressionAttributeNames: { '#state': 'state' },
              ExpressionAttributeValues: { ':sending': 'sending' },
            },
          })),
          ...emailIds.map((emailId, i) => ({
            Put: {
              TableName: tableNames.ledger,
              Item: {
                key: `ses#${messageIds[i]}`,
                emailId,
                expiresAt: Math.floor(nowMs / 1000) + 90 * 86_400,
              },
            },
          })),
          ...counterAdds(counters, tableNames.ledger),
        ],
      }),
    );
  };

  // What the inventory webhook writes: the units, before the clock starts.
  await dynamo.send(
    new UpdateCommand({
      TableName: tableNames.products,
      Key: { sku: options.sku },
      UpdateExpression: 'SET stock = :units',
      ExpressionAttributeValues: { ':units': total },
    }),
  );
  const counter = countClientRequests([dynamo, sqs, ses]);
  const cpu = new CpuAccount('bench process (floor)');
  let sent = 0;
  try {
    cpu.start();
    counter.start();
    const started = performance.now();
    const allocation = (async () => {
      for (let page = 0; page * PAGE_SIZE < total; page++) await allocatePage(page, Date.now());
    })();
    const deadline = started + options.timeoutMs;
    const alerter = async () => {
      while (sent < total) {
        if (performance.now() > deadline)
          throw new Error(`the floor sent ${sent} of ${total} alerts in time`);
        const { Messages = [] } = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: alertQueue,
            MaxNumberOfMessages: options.batchSize,
            WaitTimeSeconds: 1,
          }),
        );
        if (Messages.length === 0) continue;
        await alertBatch(Messages.map((m) => m.Body!));
        sent += Messages.length;
        await sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: alertQueue,
            Entries: Messages.map((m, n) => ({ Id: String(n), ReceiptHandle: m.ReceiptHandle! })),
          }),
        );
      }
    };
    await Promise.all([allocation, ...Array.from({ length: options.pollers }, alerter)]);
    const seconds = (performance.now() - started) / 1000;
    cpu.stop();
    const requests = counter.stop().commands;
    if (sent !== total) throw new Error(`the floor sent ${sent} alerts of ${total}`);
    const report = cpu.report();
    return {
      alerts: total,
      seconds,
      rate: total / seconds,
      pollers: options.pollers,
      requests,
      cpu: report,
      cpuMsPerAlert: cpuPerRequest(report, total),
    };
  } finally {
    counter.remove();
    await Promise.all(
      [alertQueue, pageQueue].map((QueueUrl) =>
        sqs.send(new DeleteQueueCommand({ QueueUrl })).catch(() => undefined),
      ),
    );
    dynamo.destroy();
    ses.destroy();
    sqs.destroy();
  }
};
