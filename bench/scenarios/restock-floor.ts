/**
 * The restock scenario's send path's minimum: for each alert exactly what an alert cannot do without, issued
 * directly with the SDK, once the platform is done (printed beside the floor with the platform's calls,
 * restock-floor-calls.ts).
 */
import { SendRawEmailCommand } from '@aws-sdk/client-ses';
import { CreateQueueCommand, DeleteQueueCommand, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { randomBytes, randomUUID } from 'node:crypto';
import { buildMime } from '../../lambdas/emails/mime';
import type { RestockAlertMessage } from '../../lambdas/messages/alert';
import { renderRestockAlert } from '../../lambdas/emails/restock';
import { CpuAccount, cpuPerRequest, type CpuReport } from '../lib/cpu';
import type { BenchStack } from '../lib/stack';
import { floorClients } from './floor-mail';
import { POSTAL_ADDRESS, SENDER } from './restock-setup';

export interface FloorResult {
  alerts: number;
  seconds: number;
  rate: number;
  concurrency: number;
  requests: Record<string, number>;
  mimeBytes: number;
  cpu: CpuReport;
  cpuMsPerAlert: Record<string, number>;
}

/**
 * The floors' one restock alert: rendered and built as the alerter builds one, once, to an address no
 * shopper has, its subject marked so it can never pass for a shopper's alert.
 */
export const floorAlert = async (
  run: string,
  sampleStatusUrl: string,
): Promise<{ address: string; raw: Buffer }> => {
  const address = `floor-${run}@floor.bench.example`;
  const email = await renderRestockAlert({
    shopper: { name: 'Shopper 0', email: address },
    product: { name: `Bench restock product ${run}`, sku: `BENCH-RESTOCK-${run}` },
    backorder: { quantity: 1, statusUrl: sampleStatusUrl },
    postalAddress: POSTAL_ADDRESS,
  });
  const raw = await buildMime(
    { from: SENDER, to: { name: 'Shopper 0', address }, emailId: `floor#${run}` },
    { ...email, subject: `[floor] ${email.subject}` },
  );
  return { address, raw };
};

/**
 * The floor: per alert one conditional PutItem (a send claim's row, on the platform's ledger table under
 * `floor#…`), one SendRawEmail of a restock alert's size to an address no shopper has, and every tenth alert
 * one SendMessageBatch of ten to a scratch queue; `concurrency` alerts in flight, each with its own SDK
 * clients (not the handlers', so nothing here is counted as the platform's).
 */
export const runFloor = async (
  stack: BenchStack,
  options: { alerts: number; concurrency: number; run: string; sampleStatusUrl: string },
): Promise<FloorResult> => {
  const { dynamo, ses, sqs } = floorClients(stack);
  const { QueueUrl } = await sqs.send(
    new CreateQueueCommand({ QueueName: `${stack.prefix}bench-floor-${options.run}` }),
  );
  const ledger = stack.platform.tableNames.ledger;
  const { address, raw } = await floorAlert(options.run, options.sampleStatusUrl);
  // What an alert message weighs on the queue (lambdas/messages/alert.ts).
  const messageBody = JSON.stringify({
    kind: 'restock',
    backorderId: '01JBENCHFLOOR000000000000000',
    sku: `BENCH-RESTOCK-${options.run}`,
    productName: `Bench restock product ${options.run}`,
    quantity: 1,
    email: address,
    name: 'Shopper 0',
    statusToken: randomBytes(32).toString('base64url'),
    allocatedAt: new Date().toISOString(),
  } satisfies RestockAlertMessage);
  const requests = { PutItem: 0, SendRawEmail: 0, SendMessageBatch: 0 };
  const cpu = new CpuAccount('bench process (floor)');
  let next = 0;
  let done = 0;
  try {
    cpu.start();
    const started = performance.now();
    await Promise.all(
      Array.from({ length: options.concurrency }, async () => {
        while (next < options.alerts) {
          const i = next++;
          const nowMs = Date.now();
          await dynamo.send(
            new PutCommand({
              TableName: ledger,
              Item: {
                key: `floor#${options.run}#${i}`,
                state: 'sending',
                claimId: randomUUID(),
                leaseUntil: nowMs + 60_000,
                claimedAt: new Date(nowMs).toISOString(),
                recipientKey: address,
                backorderId: `floor-${i}`,
                kind: 'restock',
              },
              ConditionExpression: 'attribute_not_exists(#key)',
              ExpressionAttributeNames: { '#key': 'key' },
            }),
          );
          requests.PutItem++;
          await ses.send(new SendRawEmailCommand({ RawMessage: { Data: raw } }));
          requests.SendRawEmail++;
          if (++done % 10 === 0) {
            await sqs.send(
              new SendMessageBatchCommand({
                QueueUrl,
                Entries: Array.from({ length: 10 }, (_, n) => ({ Id: String(n), MessageBody: messageBody })),
              }),
            );
            requests.SendMessageBatch++;
          }
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    cpu.stop();
    const report = cpu.report();
    return {
      alerts: options.alerts,
      seconds,
      rate: options.alerts / seconds,
      concurrency: options.concurrency,
      requests,
      mimeBytes: raw.length,
      cpu: report,
      cpuMsPerAlert: cpuPerRequest(report, options.alerts),
    };
  } finally {
    await sqs.send(new DeleteQueueCommand({ QueueUrl })).catch(() => undefined);
    dynamo.destroy();
    ses.destroy();
    sqs.destroy();
  }
};
