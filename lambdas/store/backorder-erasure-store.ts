/**
 * Erasing a shopper's backorder (the right to be forgotten): the status link stops first, the claim on the
 * SKU goes, then the row becomes an anonymous record that still counts (lambdas/use-cases/shopper-data.ts
 * orders the steps).
 */
import { DeleteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../runtime/dynamo';
import { tableName } from '../runtime/config';
import { anonymousActor, type Backorder, type BackorderEvent } from '../domain/backorder';
import { claimKey } from './backorder-store';
import { isConditionFailure } from '../runtime/transact';

/**
 * First step of an erasure: from now on this backorder's status link answers 404. Keeps the first moment
 * (a retry does not move it); refused (false) once the backorder is already anonymous.
 */
export const markErasing = async (id: string, at: string): Promise<boolean> => {
  try {
    await dynamo.send(
      new UpdateCommand({
        TableName: tableName('backorders'),
        Key: { id },
        UpdateExpression: 'SET erasingAt = if_not_exists(erasingAt, :at)',
        ConditionExpression: 'attribute_exists(id) AND attribute_not_exists(erasedAt)',
        ExpressionAttributeValues: { ':at': at },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
};

/** Deletes the shopper's claim on a SKU if it still names this backorder (a no-op otherwise). */
export const releaseClaimOf = async (
  backorder: Pick<Backorder, 'id' | 'sku' | 'emailKey'>,
): Promise<void> => {
  await dynamo
    .send(
      new DeleteCommand({
        TableName: tableName('ledger'),
        Key: { key: claimKey(backorder.sku, backorder.emailKey) },
        ConditionExpression: 'backorderId = :id',
        ExpressionAttributeValues: { ':id': backorder.id },
      }),
    )
    .catch((error) => {
      if (!isConditionFailure(error)) throw error;
    });
};

/**
 * Makes a backorder an anonymous record: the address (and so its place in the byEmail index), name,
 * company and status tokens go; sku, quantity, status, dates and events (without staff identities) stay,
 * so every count stays right. Conditioned on the row being as it was read (status, events, tokens), so a
 * change landing in between is never overwritten: 'changed' tells the caller to read again and retry.
 */
export const anonymiseBackorder = async (
  backorder: Backorder,
  erasedVia: string,
  at: string,
): Promise<'done' | 'changed'> => {
  if (backorder.erasedAt) return 'done';
  const emailLinks = backorder.emailTokenHashes ?? [];
  const events: BackorderEvent[] = [
    ...backorder.events.map(({ at: when, type, by }) => ({ at: when, type, ...optionalBy(by) })),
    { at, type: 'erased', by: 'shopper' },
  ];
  try {
    await dynamo.send(
      new UpdateCommand({
        TableName: tableName('backorders'),
        Key: { id: backorder.id },
        UpdateExpression:
          'SET erasedAt = :at, erasedVia = :via, events = :events, erasedTokenHashes = :hashes ' +
          'REMOVE email, emailKey, #name, company, statusTokenHashes, emailTokenHashes',
        ConditionExpression:
          'attribute_not_exists(erasedAt) AND #status = :status AND size(events) = :eventCount AND ' +
          'size(statusTokenHashes) = :tokenCount AND ' +
          (emailLinks.length === 0
            ? 'attribute_not_exists(emailTokenHashes)'
            : 'size(emailTokenHashes) = :emailTokenCount'),
        ExpressionAttributeNames: { '#name': 'name', '#status': 'status' },
        ExpressionAttributeValues: {
          ':at': at,
          ':via': erasedVia,
          ':events': events,
          // Only email links can ask for an erasure, so only they answer a repeated one the same.
          ':hashes': emailLinks,
          ':status': backorder.status,
          ':eventCount': backorder.events.length,
          ':tokenCount': backorder.statusTokenHashes.length,
          ...(emailLinks.length === 0 ? {} : { ':emailTokenCount': emailLinks.length }),
        },
      }),
    );
    return 'done';
  } catch (error) {
    if (isConditionFailure(error)) return 'changed';
    throw error;
  }
};

const optionalBy = (by: string | undefined) => {
  const actor = anonymousActor(by);
  return actor === undefined ? {} : { by: actor };
};
