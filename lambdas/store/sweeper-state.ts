/**
 * The sweepers' watermarks (nurture steps, holds, expected dates): the start of the first hourly bucket not yet fully swept.
 * One row per sweeper in the settings table (`nurture-sweeper`, `hold-sweeper`, `eta-sweeper`), only ever moved forward (a
 * conditional write), so two sweepers running at once cannot move it back.
 */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../runtime/dynamo';
import { tableName } from '../runtime/config';
import { isConditionFailure } from '../runtime/transact';

export type SweeperName = 'nurture-sweeper' | 'hold-sweeper' | 'eta-sweeper';

export const getWatermark = async (sweeper: SweeperName): Promise<number | undefined> => {
  const { Item } = await dynamo.send(
    new GetCommand({ TableName: tableName('settings'), Key: { name: sweeper }, ConsistentRead: true }),
  );
  return Item?.watermark as number | undefined;
};

export const advanceWatermark = async (sweeper: SweeperName, bucketStartMs: number): Promise<void> => {
  await dynamo
    .send(
      new UpdateCommand({
        TableName: tableName('settings'),
        Key: { name: sweeper },
        UpdateExpression: 'SET watermark = :w, sweptAt = :now',
        ConditionExpression: 'attribute_not_exists(watermark) OR watermark < :w',
        ExpressionAttributeValues: { ':w': bucketStartMs, ':now': new Date().toISOString() },
      }),
    )
    .catch((error) => {
      if (!isConditionFailure(error)) throw error;
    });
};
