/**
 * What the platform knows about an email address across backorders, kept in the ledger: the suppression
 * list (unsubscribed, bounced, complained: no marketing email, for any product) and the hashed tokens of
 * unsubscribe and consent-confirmation links.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../shared/dynamo';
import { tableName } from '../shared/config';
import { hashToken, newToken } from '../shared/tokens';

export type SuppressionReason = 'unsubscribed' | 'bounced' | 'complained';

const YEAR_SECONDS = 366 * 24 * 3600;

export const isSuppressed = async (emailKey: string): Promise<boolean> => {
  const { Item } = await dynamo.send(
    new GetCommand({
      TableName: tableName('ledger'),
      Key: { key: `suppressed#${emailKey}` },
      ConsistentRead: true,
    }),
  );
  return Item !== undefined;
};

/** Adds the address to the suppression list; the first reason is kept. */
export const suppress = async (emailKey: string, reason: SuppressionReason, at: string): Promise<void> => {
  await dynamo
    .send(
      new PutCommand({
        TableName: tableName('ledger'),
        Item: { key: `suppressed#${emailKey}`, emailKey, reason, at },
        ConditionExpression: 'attribute_not_exists(#key)',
        ExpressionAttributeNames: { '#key': 'key' },
      }),
    )
    .catch((error) => {
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
    });
};

/**
 * A fresh unsubscribe link token for one email; only its hash is stored. Each email gets its own, so a
 * forwarded email cannot unsubscribe anyone else, and tokens are never shared between backorders.
 */
export const issueUnsubscribeToken = async (emailKey: string, nowMs: number): Promise<string> => {
  const token = newToken();
  await dynamo.send(
    new PutCommand({
      TableName: tableName('ledger'),
      Item: {
        key: `unsubscribe#${hashToken(token)}`,
        emailKey,
        expiresAt: Math.floor(nowMs / 1000) + YEAR_SECONDS,
      },
    }),
  );
  return token;
};

/** The address an unsubscribe token was issued for, if it is one of ours. */
export const addressOfUnsubscribeToken = async (token: string): Promise<string | undefined> => {
  if (!token || token.length > 200) return undefined;
  const { Item } = await dynamo.send(
    new GetCommand({ TableName: tableName('ledger'), Key: { key: `unsubscribe#${hashToken(token)}` } }),
  );
  return Item?.emailKey as string | undefined;
};

/** The backorder a consent-confirmation token belongs to. */
export const backorderOfConsentToken = async (token: string): Promise<string | undefined> => {
  if (!token || token.length > 200) return undefined;
  const { Item } = await dynamo.send(
    new GetCommand({ TableName: tableName('ledger'), Key: { key: `consent#${hashToken(token)}` } }),
  );
  return Item?.backorderId as string | undefined;
};
