/**
 * Rate-limit windows: `rate#<what>#<who>#<window>` rows in the ledger, `ADD hits 1` per request, expiring a
 * minute after their window. The only writer of `rate#` rows.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../runtime/dynamo';
import { tableName } from '../runtime/config';

/** Counts a hit in a fixed window and returns the count so far; rows expire after the window. */
export const countHit = async (key: string, windowEndsAtSeconds: number): Promise<number> => {
  const { Attributes } = await dynamo.send(
    new UpdateCommand({
      TableName: tableName('ledger'),
      Key: { key },
      UpdateExpression: 'ADD hits :one SET expiresAt = :expires',
      ExpressionAttributeValues: { ':one': 1, ':expires': windowEndsAtSeconds + 60 },
      ReturnValues: 'UPDATED_NEW',
    }),
  );
  return Number(Attributes?.hits ?? 0);
};
