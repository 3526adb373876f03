/**
 * The one way many items are written or deleted in one table without a transaction: BatchWriteItem, 25 a
 * request, the requests at once, and whatever DynamoDB leaves unprocessed (throttling) asked again with
 * backoff until it is done or clearly will not be.
 */
import { BatchWriteCommand, type BatchWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../runtime/dynamo';

type WriteRequest = NonNullable<BatchWriteCommandInput['RequestItems']>[string][number];

const BATCH = 25;
const ROUNDS = 9;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const batchWriteAll = async (table: string, requests: readonly WriteRequest[]): Promise<void> => {
  const batches: WriteRequest[][] = [];
  for (let i = 0; i < requests.length; i += BATCH) batches.push(requests.slice(i, i + BATCH));
  await Promise.all(
    batches.map(async (batch) => {
      let pending = batch;
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt >= ROUNDS)
          throw new Error(`${table}: DynamoDB kept ${pending.length} writes unprocessed`);
        if (attempt > 0) await sleep(50 * 2 ** Math.min(attempt, 5));
        const { UnprocessedItems } = await dynamo.send(
          new BatchWriteCommand({ RequestItems: { [table]: pending } }),
        );
        pending = UnprocessedItems?.[table] ?? [];
      }
    }),
  );
};
