/**
 * The nurture sweeper's watermark: the start of the first hourly bucket not yet fully swept. Kept in the settings table and only
 * ever moved forward (a conditional write), so two sweepers running at once cannot move it back.
 */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../runtime/dynamo';
import { tableName } from '../runtime/config';
import { isConditionFailure } from '../runtime/transact';

const KEY = { name: 'nurture-sweeper' };

export const getWatermark = async (): Promise<number | undefined> => {
  const { Item } = await dynamo.send(
    new GetCommand({ TableName: tableName('settings'), Key: KEY, ConsistentRead: true }),
  );
  return Item?.watermark as number | undefined;
};

export const advanceWatermark = async (bucketStartMs: number): Promise<void> => {
  await dynamo
    .send(
      new UpdateCommand({
        TableName: tableName('settings'),
        Key: KEY,
        UpdateExpression: 'SET watermark = :w, sweptAt = :now',
        ConditionExpression: 'attribute_not_exists(watermark) OR watermark < :w',
        ExpressionAttributeValues: { ':w': bucketStartMs, ':now': new Date().toISOString() },
      }),
    )
    .catch((error) => {
      if (!isConditionFailure(error)) throw error;
    });
};
