/**
 * With the email sender running, the signup floor delivers its confirmations too, with the sender's calls
 * (lambdas/sender: plan-confirmation.ts, confirmation-reads.ts and deliver-email.ts), directly with the SDK:
 * the platform's sender runs on the same cores while its signups are measured, so the floor's sender runs
 * while the floor's are. `maxConcurrency` batches of up to `batchSize` at once, as the email queue's, each
 * received from the floor's queue and deleted after:
 * - BatchGetItem of the batch's backorders and the site settings;
 * - BatchGetItem of their products and of the queue rows their places are read from (summary, book, page);
 * - TransactWriteItems of the claims; TransactWriteItems of the status links (the platform's own `linkWrite`
 *   on each backorder); SendRawEmail each (one confirmation, rendered and built once); TransactWriteItems of
 *   the sent records, their `ses#` rows and the email counters (floor-mail.ts).
 * What is left between the two senders is the handler, middy, validation, planning, rendering each
 * confirmation for its shopper and building its MIME.
 */
import { DeleteQueueCommand } from '@aws-sdk/client-sqs';
import { BatchGetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { randomBytes } from 'node:crypto';
import { emailsSentChanges } from '../../lambdas/domain/statistics';
import { renderConfirmation } from '../../lambdas/emails/confirmation';
import { buildMime } from '../../lambdas/emails/mime';
import { linkWrite } from '../../lambdas/store/email-link-store';
import { queues } from '../../lib/platform';
import { limitBackgroundRequests } from '../../local/api-priority';
import type { BenchStack } from '../lib/stack';
import { floorClients, floorMailer, pollFloorQueue } from './floor-mail';

const unique = <T>(values: readonly T[]): T[] => [...new Set(values)];

export type FloorSender = Awaited<ReturnType<typeof floorSender>>;

export const floorSender = async (
  stack: BenchStack,
  queueUrl: string,
  options: { run: string; from: string; postalAddress: string; configurationSet: string | undefined },
) => {
  const { dynamo, ses, sqs } = floorClients(stack);
  // Held as the runner holds the platform's sender: its requests in flight, fewer while a signup runs.
  const held = limitBackgroundRequests([dynamo, ses, sqs], stack.platform.backgroundRequestLimit);
  const { backorders, settings, products, queues: queueTable, ledger } = stack.platform.tableNames;
  const address = `floor-confirmation-${options.run}@floor.bench.example`;
  const email = await renderConfirmation({
    shopper: { name: 'Shopper 0', email: address },
    product: { name: 'Bench product', sku: 'FLOOR-0', expectedRestockDate: '' },
    backorder: { quantity: 1, position: 1, statusUrl: `${stack.url}/status?id=floor&token=floor` },
    confirmUrl: '',
    postalAddress: options.postalAddress,
  });
  const raw = await buildMime(
    { from: options.from, to: { name: 'Shopper 0', address }, emailId: `floor#${options.run}` },
    { ...email, subject: `[floor] ${email.subject}` },
  );
  const mail = floorMailer({ dynamo, ses, ledger, raw, address, configurationSet: options.configurationSet });

  const deliver = async (bodies: readonly string[]): Promise<void> => {
    const ids = bodies.map((body) => String((JSON.parse(body) as { backorderId: string }).backorderId));
    const { Responses = {} } = await dynamo.send(
      new BatchGetCommand({
        RequestItems: {
          [backorders]: { Keys: unique(ids).map((id) => ({ id })), ConsistentRead: true },
          [settings]: { Keys: [{ name: 'site' }], ConsistentRead: true },
        },
      }),
    );
    const rows = Responses[backorders] ?? [];
    const placeKeys = rows.flatMap(({ sku, ticket }) => [
      `summary#${sku}`,
      `book#${sku}#${Math.floor(Number(ticket) / 2048)}`,
      `page#${sku}#${Math.floor(Number(ticket) / 256)}`,
    ]);
    await dynamo.send(
      new BatchGetCommand({
        RequestItems: {
          [products]: {
            Keys: unique(rows.map((r) => String(r.sku))).map((sku) => ({ sku })),
            ConsistentRead: true,
          },
          [queueTable]: { Keys: unique(placeKeys).map((key) => ({ key })), ConsistentRead: true },
        },
      }),
    );
    await mail(
      ids.map((id) => ({
        emailId: `floor#${options.run}#confirmation#${id}`,
        details: { recipientKey: address, backorderId: id, kind: 'confirmation' },
      })),
      (_, shard) => emailsSentChanges('confirmation', ids.length, shard),
      async () => {
        await dynamo.send(
          new TransactWriteCommand({
            TransactItems: ids.map((id) => {
              const { ReturnValues: _, ...update } = linkWrite(id, randomBytes(32).toString('hex'), []);
              return { Update: { ...update, UpdateExpression: update.UpdateExpression! } };
            }),
          }),
        );
      },
    );
  };

  const consume = (goOn: (lastReceiveEmpty: boolean) => boolean) =>
    pollFloorQueue(sqs, queueUrl, {
      pollers: queues.email.maxConcurrency,
      batchSize: queues.email.batchSize,
      handle: (messages) => deliver(messages.map((m) => m.Body!)),
      goOn,
    });
  let running: Promise<void> | undefined;
  let stopping = false;
  return {
    /** Delivers as the platform's sender does while a slice runs. */
    start: () => {
      stopping = false;
      running = consume(() => !stopping);
    },
    /** At the slice's end: the batches in hand finish. */
    stop: async () => {
      stopping = true;
      await running;
    },
    /** Delivers what the slice left, as the platform's sender drains its queue after a slice. */
    drain: () => consume((lastReceiveEmpty) => !lastReceiveEmpty),
    close: async () => {
      await sqs.send(new DeleteQueueCommand({ QueueUrl: queueUrl })).catch(() => undefined);
      held.remove();
      dynamo.destroy();
      ses.destroy();
      sqs.destroy();
    },
  };
};
