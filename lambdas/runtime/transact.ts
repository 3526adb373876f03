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
