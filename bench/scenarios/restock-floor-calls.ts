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
import { CreateQueueCommand, DeleteQueueCommand, type Message } from '@aws-sdk/client-sqs';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { alertsSentChanges } from '../../lambdas/domain/funnel';
import { emailsSentChanges } from '../../lambdas/domain/statistics';
import { PAGE_SIZE } from '../../lambdas/use-cases/allocate-restock';
import { CpuAccount, cpuPerRequest, type CpuReport } from '../lib/cpu';
import { countClientRequests } from '../lib/requests';
import { floorAllocation } from './restock-floor-allocation';
import { floorClients, floorMailer, pollFloorQueue } from './floor-mail';
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

  const mail = floorMailer({
    dynamo,
    ses,
    ledger: tableNames.ledger,
    raw: options.raw,
    address: options.address,
    configurationSet: options.configurationSet,
  });
  const alertBatch = (messages: readonly Message[]) => {
    const alerts = messages.map((m) => JSON.parse(m.Body!) as { backorderId: string; sku: string });
    return mail(
      alerts.map((alert) => ({
        emailId: `floor#${options.run}#${alert.backorderId}`,
        details: {
          recipientKey: options.address,
          backorderId: alert.backorderId,
          kind: 'restock',
          sku: alert.sku,
        },
      })),
      // On any of the counters' shards, as the platform's record (one row for all would contend).
      (sentAt, shard) =>
        emailsSentChanges('restock', alerts.length, shard).merge(
          alertsSentChanges(
            alerts.map((a) => a.sku),
            sentAt,
            shard,
          ),
        ),
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
    const alerter = pollFloorQueue(sqs, alertQueue, {
      pollers: options.pollers,
      batchSize: options.batchSize,
      handle: async (messages) => {
        await alertBatch(messages);
        sent += messages.length;
      },
      goOn: () => {
        if (performance.now() > deadline)
          throw new Error(`the floor sent ${sent} of ${total} alerts in time`);
        return sent < total;
      },
    });
    await Promise.all([allocation, alerter]);
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
