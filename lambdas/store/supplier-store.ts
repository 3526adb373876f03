/**
 * Persistence of suppliers and their batches. A shop has tens of suppliers, so listing scans. A batch and the
 * supplier's new watermark are written in one transaction conditioned on the watermark the batch was computed
 * from: of two schedulers (or a scheduler and a "send now") racing on one supplier, one batch is created, and
 * no window of backorders is ever covered twice or skipped.
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../runtime/dynamo';
import { tableName } from '../runtime/config';
import { latestSlot, type Supplier, type SupplierBatch } from '../domain/supplier';
import type { SupplierInput } from '../domain/supplier-schema';
import { decodeCursor, encodeCursor } from './cursor';
import { everyRowById } from './every-page';
import { isConditionFailure } from '../runtime/transact';

export const getSupplier = async (id: string): Promise<Supplier | undefined> => {
  const { Item } = await dynamo.send(
    new GetCommand({ TableName: tableName('suppliers'), Key: { id }, ConsistentRead: true }),
  );
  return Item as Supplier | undefined;
};

export const listSuppliers = (): Promise<Supplier[]> =>
  everyRowById<Supplier>({ TableName: tableName('suppliers'), ConsistentRead: true });

/**
 * Saves what the marketer controls (name, email, schedule), keeping what batching maintains (watermark, last
 * batch). A new supplier, or a new schedule, starts from its next scheduled moment: saving never sends a batch
 * for a moment already past. The first batch covers every backorder of its products still waiting.
 */
export const saveSupplier = async (
  id: string,
  input: SupplierInput,
  nowMs: number = Date.now(),
): Promise<{ supplier: Supplier; created: boolean }> => {
  const now = new Date(nowMs).toISOString();
  const existing = await getSupplier(id);
  const scheduleChanged = !existing || JSON.stringify(existing.batch) !== JSON.stringify(input.batch);
  const { Attributes } = await dynamo.send(
    new UpdateCommand({
      TableName: tableName('suppliers'),
      Key: { id },
      // PUT semantics: a language left out is removed (English).
      UpdateExpression: `SET #name = :name, email = :email, #batch = :batch, updatedAt = :now, createdAt = if_not_exists(createdAt, :now)${
        scheduleChanged ? ', scheduledThrough = :slot' : ''
      }${input.locale ? ', #locale = :locale' : ''}${input.locale ? '' : ' REMOVE #locale'}`,
      ExpressionAttributeNames: { '#name': 'name', '#batch': 'batch', '#locale': 'locale' },
      ExpressionAttributeValues: {
        ':name': input.name,
        ':email': input.email,
        ':batch': input.batch,
        ...(input.locale ? { ':locale': input.locale } : {}),
        ':now': now,
        ...(scheduleChanged ? { ':slot': new Date(latestSlot(input.batch, nowMs)).toISOString() } : {}),
      },
      ReturnValues: 'ALL_NEW',
    }),
  );
  const supplier = Attributes as Supplier;
  // Two first saves racing: the later keeps the earlier's createdAt, so only one answers "created".
  return { supplier, created: supplier.createdAt === now };
};

/** The condition that the supplier's watermark is still the one a batch was computed from. */
const watermarkIs = (previous: string | undefined) =>
  previous === undefined
    ? { expression: 'attribute_not_exists(watermark)', values: {} }
    : { expression: 'watermark = :previous', values: { ':previous': previous } };

/**
 * Creates a batch and moves the supplier's watermark to its window's end, together, if the watermark is
 * still `batch.windowFrom`. A scheduled batch also marks its scheduled moment handled (only forward).
 * Answers false when another batch won the race (nothing is written).
 */
export const createBatch = async (batch: SupplierBatch, scheduledSlot?: string): Promise<boolean> => {
  const watermark = watermarkIs(batch.windowFrom);
  const slotCondition = scheduledSlot
    ? ' AND (attribute_not_exists(scheduledThrough) OR scheduledThrough < :slot)'
    : '';
  try {
    await dynamo.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: tableName('supplierBatches'),
              Item: batch,
              ConditionExpression: 'attribute_not_exists(batchId)',
            },
          },
          {
            Update: {
              TableName: tableName('suppliers'),
              Key: { id: batch.supplierId },
              UpdateExpression: `SET watermark = :to, lastBatchId = :batchId, lastBatchAt = :at${
                scheduledSlot ? ', scheduledThrough = :slot' : ''
              } ADD pendingBatches :pending`,
              ConditionExpression: `attribute_exists(id) AND ${watermark.expression}${slotCondition}`,
              ExpressionAttributeValues: {
                ':to': batch.windowTo,
                ':batchId': batch.batchId,
                ':at': batch.createdAt,
                ':pending': new Set([batch.batchId]),
                ...watermark.values,
                ...(scheduledSlot ? { ':slot': scheduledSlot } : {}),
              },
            },
          },
        ],
      }),
    );
    return true;
  } catch (error) {
    const lostRace =
      error instanceof TransactionCanceledException &&
      (error.CancellationReasons ?? []).some((reason) => reason.Code === 'ConditionalCheckFailed');
    if (lostRace) return false;
    throw error;
  }
};

/**
 * A scheduled moment with too few units: marked handled without a batch, so the window stays open and its
 * units roll into the next batch. Answers false when the supplier moved on meanwhile.
 */
export const skipScheduledSlot = async (
  supplierId: string,
  previousWatermark: string | undefined,
  scheduledSlot: string,
): Promise<boolean> => {
  const watermark = watermarkIs(previousWatermark);
  try {
    await dynamo.send(
      new UpdateCommand({
        TableName: tableName('suppliers'),
        Key: { id: supplierId },
        UpdateExpression: 'SET scheduledThrough = :slot',
        ConditionExpression: `attribute_exists(id) AND ${watermark.expression} AND (attribute_not_exists(scheduledThrough) OR scheduledThrough < :slot)`,
        ExpressionAttributeValues: { ':slot': scheduledSlot, ...watermark.values },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
};

export const getBatch = async (supplierId: string, batchId: string): Promise<SupplierBatch | undefined> => {
  const { Item } = await dynamo.send(
    new GetCommand({
      TableName: tableName('supplierBatches'),
      Key: { supplierId, batchId },
      ConsistentRead: true,
    }),
  );
  return Item as SupplierBatch | undefined;
};

/** A supplier's batches, newest first (batch ids sort by creation time), a page at a time. */
export const listBatches = async (
  supplierId: string,
  options: { cursor?: string; limit?: number } = {},
): Promise<{ items: SupplierBatch[]; cursor: string | null }> => {
  const { Items, LastEvaluatedKey } = await dynamo.send(
    new QueryCommand({
      TableName: tableName('supplierBatches'),
      KeyConditionExpression: 'supplierId = :supplierId',
      ExpressionAttributeValues: { ':supplierId': supplierId },
      ScanIndexForward: false,
      Limit: options.limit ?? 20,
      ExclusiveStartKey: decodeCursor(options.cursor, ['supplierId', 'batchId'], { supplierId }),
    }),
  );
  return { items: (Items ?? []) as SupplierBatch[], cursor: encodeCursor(LastEvaluatedKey) };
};

/** The sender records the send once; a repeated delivery keeps the first time. */
export const markBatchSent = async (supplierId: string, batchId: string, sentAt: string): Promise<void> => {
  await dynamo.send(
    new UpdateCommand({
      TableName: tableName('supplierBatches'),
      Key: { supplierId, batchId },
      UpdateExpression: 'SET sentAt = if_not_exists(sentAt, :at)',
      ConditionExpression: 'attribute_exists(batchId)',
      ExpressionAttributeValues: { ':at': sentAt },
    }),
  );
};

/**
 * Claims the re-queueing of a batch whose email lingers: only if it is still unsent and was last queued at
 * `previousQueuedAt`, so of two schedulers looking at once one queues it again.
 */
export const claimRequeue = async (
  supplierId: string,
  batchId: string,
  previousQueuedAt: string,
  queuedAt: string,
): Promise<boolean> => {
  try {
    await dynamo.send(
      new UpdateCommand({
        TableName: tableName('supplierBatches'),
        Key: { supplierId, batchId },
        UpdateExpression: 'SET queuedAt = :at',
        ConditionExpression: 'attribute_not_exists(sentAt) AND queuedAt = :previous',
        ExpressionAttributeValues: { ':at': queuedAt, ':previous': previousQueuedAt },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
};

/** Forgets a batch whose email is sent (or which no longer exists) from the supplier's pending ones. */
export const forgetPendingBatch = async (supplierId: string, batchId: string): Promise<void> => {
  await dynamo.send(
    new UpdateCommand({
      TableName: tableName('suppliers'),
      Key: { id: supplierId },
      UpdateExpression: 'DELETE pendingBatches :batch',
      ConditionExpression: 'attribute_exists(id)',
      ExpressionAttributeValues: { ':batch': new Set([batchId]) },
    }),
  );
};
