/**
 * TransactWriteItems with the one retry that belongs here: a transaction that touches a counter row another
 * transaction is writing at the same moment is cancelled with `TransactionConflict` (DynamoDB does not queue
 * them). Such a transaction changed nothing, so it is tried again a few times after a short random pause;
 * then the error goes to the caller's normal path (the queue's retry, or a 5xx the client retries).
 *
 * The transaction is rebuilt for each try, so a retry may pick another counter shard.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
  type TransactWriteCommandInput,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { dynamo } from './dynamo';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

export const CONFLICT_TRIES = 4;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Whether a single write was refused because its condition did not hold (the one way to ask it). */
export const isConditionFailure = (error: unknown): boolean =>
  (error as { name?: unknown } | undefined)?.name === 'ConditionalCheckFailedException';

/** Whether a cancelled transaction was cancelled (at least in part) for this reason. */
export const cancelledBecause = (error: unknown, code: string): boolean =>
  error instanceof TransactionCanceledException &&
  (error.CancellationReasons ?? []).some((reason) => reason.Code === code);

/** Runs an update its condition may refuse: true when it was written, false when the condition failed. */
export const updateIfHolds = async (input: UpdateCommandInput): Promise<boolean> => {
  try {
    await dynamo.send(new UpdateCommand(input));
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
};

/** Whether the item at `index` of a cancelled transaction failed its condition. */
export const conditionFailedAt = (error: unknown, index: number): boolean =>
  error instanceof TransactionCanceledException &&
  error.CancellationReasons?.[index]?.Code === 'ConditionalCheckFailed';

/** A conflict alone: no condition failed, so trying again may succeed. */
const isConflictOnly = (error: unknown): boolean =>
  cancelledBecause(error, 'TransactionConflict') && !cancelledBecause(error, 'ConditionalCheckFailed');

export const transactWrite = async (
  build: (attempt: number) => TransactItem[],
  tries = CONFLICT_TRIES,
): Promise<void> => {
  for (let attempt = 1; ; attempt++) {
    try {
      await dynamo.send(new TransactWriteCommand({ TransactItems: build(attempt) }));
      return;
    } catch (error) {
      if (!isConflictOnly(error) || attempt >= tries) throw error;
      // 25–75 ms, then twice that, and so on: enough for the other transaction to finish, spread out so the
      // contenders do not meet again.
      await sleep(25 * 2 ** (attempt - 1) * (0.5 + Math.random()));
    }
  }
};

const MAX_TRANSACT_ITEMS = 100;

const itemOf = (input: UpdateCommandInput): string => `${input.TableName}\u0000${JSON.stringify(input.Key)}`;

/** An unconditional put that may ride along with a batch's updates (`updateEachIfHolds`). */
export interface AlongsidePut {
  TableName: string;
  Item: Record<string, unknown>;
}

/**
 * Independent conditional updates (a batch's email links, its sequences moving on, a sweep's leases) in one
 * request while every condition holds: one transaction of up to 100. When it is cancelled (one condition
 * failed, a conflict), nothing was written and each is run on its own, so one refused update never holds
 * back the others. Answers, per update, whether it was written. Updates of the same item cannot share a
 * transaction: a chunk that names one twice runs its updates one by one. `alongside` puts (new rows of their
 * own, such as a batch's unsubscribe tokens) join the first transaction when they fit, else are put alone.
 */
export const updateEachIfHolds = async (
  inputs: readonly UpdateCommandInput[],
  alongside: readonly AlongsidePut[] = [],
): Promise<boolean[]> => {
  const written: boolean[] = [];
  let putsLeft = alongside;
  for (let at = 0; at < inputs.length; at += MAX_TRANSACT_ITEMS) {
    const chunk = inputs.slice(at, at + MAX_TRANSACT_ITEMS);
    const puts = putsLeft.length + chunk.length <= MAX_TRANSACT_ITEMS ? putsLeft : [];
    const together = chunk.length + puts.length > 1 && new Set(chunk.map(itemOf)).size === chunk.length;
    if (!together) {
      written.push(...(await Promise.all(chunk.map(updateIfHolds))));
      continue;
    }
    try {
      await dynamo.send(
        new TransactWriteCommand({
          TransactItems: [
            ...chunk.map((input) => ({
              Update: {
                TableName: input.TableName,
                Key: input.Key,
                UpdateExpression: input.UpdateExpression,
                ConditionExpression: input.ConditionExpression,
                ExpressionAttributeNames: input.ExpressionAttributeNames,
                ExpressionAttributeValues: input.ExpressionAttributeValues,
              },
            })),
            ...puts.map((put) => ({ Put: { TableName: put.TableName, Item: put.Item } })),
          ],
        }),
      );
      written.push(...chunk.map(() => true));
      if (puts.length > 0) putsLeft = [];
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      written.push(...(await Promise.all(chunk.map(updateIfHolds))));
    }
  }
  await Promise.all(putsLeft.map((put) => dynamo.send(new PutCommand(put))));
  return written;
};
