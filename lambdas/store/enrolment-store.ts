/**
 * Enrolments: one row per backorder and campaign, holding the next step and when it is due. While a step is
 * pending the row carries `dueBucket`/`dueKey`, which place it in the sparse `dueByBucket` index the sweeper
 * reads. Stopping a sequence is an update of these rows (found by the backorder's key), never a scan.
 */
import {
  DeleteCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../runtime/dynamo';
import { tableName } from '../runtime/config';
import { dueBucket, dueKey, dueKeyCeiling } from '../domain/due-index';
import { indexReads, queryIndex } from './index-reads';
import { isConditionFailure, updateEachIfHolds, updateIfHolds } from '../runtime/transact';

export type EnrolmentState = 'active' | 'paused' | 'done' | 'stopped';

export interface Enrolment {
  backorderId: string;
  campaignId: string;
  state: EnrolmentState;
  nextStepId: string;
  nextStepIndex: number;
  nextDueAt: number;
  enrolledAt: string;
  dueBucket?: string;
  dueKey?: string;
  /**
   * Set by sweepers that leased each step (before claims on ranges, lambdas/store/swept-ranges.ts); removed
   * when the sequence moves on.
   */
  leasedUntil?: number;
  /** The step this sequence sent last (what a cancel while waiting is counted against). */
  lastSentStepId?: string;
}

const placement = (dueMs: number, backorderId: string, campaignId: string) => ({
  nextDueAt: dueMs,
  dueBucket: dueBucket(dueMs, backorderId),
  dueKey: dueKey(dueMs, backorderId, campaignId),
});

/**
 * Enrols a backorder in a campaign unless it already is; a paused enrolment (its campaign was inactive)
 * resumes at the same step. Returns whether anything changed.
 */
export const enrol = async (
  backorderId: string,
  campaignId: string,
  first: { stepId: string; dueMs: number },
  nowIso: string,
): Promise<boolean> => {
  try {
    await dynamo.send(
      new PutCommand({
        TableName: tableName('enrolments'),
        Item: {
          backorderId,
          campaignId,
          state: 'active',
          nextStepId: first.stepId,
          nextStepIndex: 0,
          enrolledAt: nowIso,
          ...placement(first.dueMs, backorderId, campaignId),
        },
        ConditionExpression: 'attribute_not_exists(backorderId)',
      }),
    );
    return true;
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
  try {
    await dynamo.send(
      new UpdateCommand({
        TableName: tableName('enrolments'),
        Key: { backorderId, campaignId },
        UpdateExpression: 'SET #state = :active, nextDueAt = :due, dueBucket = :bucket, dueKey = :key',
        ConditionExpression: '#state = :paused',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: {
          ':active': 'active',
          ':paused': 'paused',
          ':due': first.dueMs,
          ':bucket': dueBucket(first.dueMs, backorderId),
          ':key': dueKey(first.dueMs, backorderId, campaignId),
        },
      }),
    );
    return true;
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    return false;
  }
};

export const enrolmentsOf = async (backorderId: string): Promise<Enrolment[]> => {
  const { Items = [] } = await dynamo.send(
    new QueryCommand({
      TableName: tableName('enrolments'),
      KeyConditionExpression: 'backorderId = :id',
      ExpressionAttributeValues: { ':id': backorderId },
      ConsistentRead: true,
    }),
  );
  return Items as Enrolment[];
};

/** For each sequence of a backorder that sent an email, the step it sent last. */
export const lastStepsSent = async (backorderId: string): Promise<{ campaignId: string; stepId: string }[]> =>
  (await enrolmentsOf(backorderId)).flatMap((e) =>
    e.lastSentStepId ? [{ campaignId: e.campaignId, stepId: e.lastSentStepId }] : [],
  );

/** Ends every sequence of a backorder that is no longer waiting (cancelled, allocated, fulfilled). */
export const stopEnrolments = async (
  backorderId: string,
  state: 'stopped' | 'done' = 'stopped',
): Promise<void> => {
  const enrolments = await enrolmentsOf(backorderId);
  await Promise.all(
    enrolments
      .filter((e) => e.state === 'active' || e.state === 'paused')
      .map((e) => finish(e.backorderId, e.campaignId, state)),
  );
};

/** Takes an enrolment out of the due index for good (or until resumed, when paused). */
export const finish = async (
  backorderId: string,
  campaignId: string,
  state: Exclude<EnrolmentState, 'active'>,
): Promise<void> => {
  await dynamo
    .send(
      new UpdateCommand({
        TableName: tableName('enrolments'),
        Key: { backorderId, campaignId },
        UpdateExpression: 'SET #state = :state REMOVE dueBucket, dueKey, leasedUntil',
        ConditionExpression: 'attribute_exists(backorderId)',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':state': state },
      }),
    )
    .catch((error) => {
      if (!isConditionFailure(error)) throw error;
    });
};

export interface DueEntry {
  backorderId: string;
  campaignId: string;
  dueKey: string;
  nextStepId: string;
  nextStepIndex: number;
}

/** How many due entries a sweep reads (and then claims and queues) at a time. */
export const DUE_PAGE = 500;

/**
 * The entries of a bucket's shard due by `nowMs`, in due order, after the due key `after` when given: one
 * page, and whether more may follow.
 */
export const dueEntries = async (
  bucket: string,
  nowMs: number,
  after?: string,
): Promise<{ entries: DueEntry[]; more: boolean }> => {
  const ceiling = dueKeyCeiling(nowMs);
  if (after !== undefined && after >= ceiling) return { entries: [], more: false };
  // A sort key takes one comparison: `after` is included by BETWEEN, and dropped here (due keys are unique).
  const { Items = [], LastEvaluatedKey } = await dynamo.send(
    new QueryCommand(
      queryIndex(indexReads.dueSteps, {
        KeyConditionExpression:
          after === undefined
            ? 'dueBucket = :bucket AND dueKey <= :ceiling'
            : 'dueBucket = :bucket AND dueKey BETWEEN :after AND :ceiling',
        ExpressionAttributeValues: {
          ':bucket': bucket,
          ':ceiling': ceiling,
          ...(after === undefined ? {} : { ':after': after }),
        },
        Limit: DUE_PAGE,
      }),
    ),
  );
  const entries = (Items as DueEntry[]).filter((entry) => entry.dueKey !== after);
  return { entries, more: LastEvaluatedKey !== undefined };
};

/** A sequence moving on after one of its steps went out. */
export interface StepSent {
  backorderId: string;
  campaignId: string;
  sentStepId: string;
  next?: { stepId: string; index: number; dueMs: number };
}

/**
 * After step `sentStepId` went out: point the enrolment at the next step (or mark it done). Conditional on
 * the enrolment still expecting that step, so a redelivered message cannot advance it twice.
 */
const advanceUpdate = ({ backorderId, campaignId, sentStepId, next }: StepSent): UpdateCommandInput => {
  const values: Record<string, unknown> = { ':sent': sentStepId, ':active': 'active' };
  let update: string;
  if (next) {
    update =
      'SET nextStepId = :next, nextStepIndex = :index, nextDueAt = :due, dueBucket = :bucket, dueKey = :key, lastSentStepId = :sent REMOVE leasedUntil';
    Object.assign(values, {
      ':next': next.stepId,
      ':index': next.index,
      ':due': next.dueMs,
      ':bucket': dueBucket(next.dueMs, backorderId),
      ':key': dueKey(next.dueMs, backorderId, campaignId),
    });
  } else {
    update = 'SET #state = :done, lastSentStepId = :sent REMOVE dueBucket, dueKey, leasedUntil';
    values[':done'] = 'done';
  }
  return {
    TableName: tableName('enrolments'),
    Key: { backorderId, campaignId },
    UpdateExpression: update,
    ConditionExpression: 'nextStepId = :sent AND #state = :active',
    ExpressionAttributeNames: { '#state': 'state' },
    ExpressionAttributeValues: values,
  };
};

export const advance = async (
  backorderId: string,
  campaignId: string,
  sentStepId: string,
  next: StepSent['next'],
): Promise<void> => {
  await updateIfHolds(advanceUpdate({ backorderId, campaignId, sentStepId, next }));
};

/** Several sequences moving on at once (a batch's sends): one request while every condition holds. */
export const advanceEach = async (steps: readonly StepSent[]): Promise<void> => {
  await updateEachIfHolds(steps.map(advanceUpdate));
};

/**
 * Erasure: a backorder's enrolments go altogether (they name no one, but nothing is kept that is not
 * needed). Its sequences must already be stopped: the backorder is no longer waiting.
 */
export const deleteEnrolments = async (backorderId: string): Promise<void> => {
  const enrolments = await enrolmentsOf(backorderId);
  await Promise.all(
    enrolments.map((e) =>
      dynamo.send(
        new DeleteCommand({
          TableName: tableName('enrolments'),
          Key: { backorderId: e.backorderId, campaignId: e.campaignId },
        }),
      ),
    ),
  );
};
