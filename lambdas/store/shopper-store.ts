/**
 * What the platform knows about an email address across backorders, kept in the ledger: the suppression
 * list (unsubscribed, bounced, complained: no marketing email, for any product) and the hashed tokens of
 * unsubscribe and consent-confirmation links.
 */
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../runtime/dynamo';
import { tableName } from '../runtime/config';
import { addressHash, hashToken, newToken } from '../runtime/tokens';
import { cancelledBecause, transactWrite, isConditionFailure } from '../runtime/transact';
import { anyShard, unsubscribedChanges } from '../domain/statistics';
import { counterUpdates } from './stats-store';
import { readByKeys } from './batch-read';

export type SuppressionReason = 'unsubscribed' | 'bounced' | 'complained';

const YEAR_SECONDS = 366 * 24 * 3600;

export interface Suppression {
  reason: SuppressionReason;
  at: string;
}

/** The row that keeps an erased shopper's address suppressed: only a hash of the address (see eraseShopper). */
const hashedSuppressionKey = (emailKey: string) => `suppressedHash#${addressHash(emailKey)}`;

/** The two ledger rows either of which suppresses the address: its own entry, or the one an erasure left. */
export const suppressionKeys = (emailKey: string) => [
  { key: `suppressed#${emailKey}` },
  { key: hashedSuppressionKey(emailKey) },
];

/** The suppression of the address among ledger rows read by `suppressionKeys` (its own entry first). */
export const suppressionIn = (
  rows: readonly Record<string, unknown>[],
  emailKey: string,
): Suppression | undefined => {
  const [own, hashed] = suppressionKeys(emailKey).map(({ key }) => rows.find((row) => row.key === key));
  const entry = own ?? hashed;
  return entry ? { reason: entry.reason as SuppressionReason, at: String(entry.at) } : undefined;
};

/**
 * Whether (and why) the address is suppressed: by its own entry, or by the hashed entry an erasure left.
 * Both are read in one request.
 */
export const suppressionOf = async (emailKey: string): Promise<Suppression | undefined> => {
  const table = tableName('ledger');
  const found = await readByKeys({ [table]: suppressionKeys(emailKey) });
  return suppressionIn(found[table], emailKey);
};

export const isSuppressed = async (emailKey: string): Promise<boolean> =>
  (await suppressionOf(emailKey)) !== undefined;

/**
 * Adds the address to the suppression list; the first reason is kept. Answers whether this call added it.
 * An unsubscribe is counted for the stats in the same transaction as the entry, so only the one that adds
 * the entry counts; an address an erasure left suppressed by its hash is already on the list.
 */
export const suppress = async (emailKey: string, reason: SuppressionReason, at: string): Promise<boolean> => {
  if (reason === 'unsubscribed') return suppressUnsubscribed(emailKey, at);
  return dynamo
    .send(
      new PutCommand({
        TableName: tableName('ledger'),
        Item: { key: `suppressed#${emailKey}`, emailKey, reason, at },
        ConditionExpression: 'attribute_not_exists(#key)',
        ExpressionAttributeNames: { '#key': 'key' },
      }),
    )
    .then(() => true)
    .catch((error) => {
      if (!isConditionFailure(error)) throw error;
      return false;
    });
};

const suppressUnsubscribed = async (emailKey: string, at: string): Promise<boolean> => {
  const absent = {
    ConditionExpression: 'attribute_not_exists(#key)',
    ExpressionAttributeNames: { '#key': 'key' },
  };
  try {
    await transactWrite(() => [
      {
        ConditionCheck: {
          TableName: tableName('ledger'),
          Key: { key: hashedSuppressionKey(emailKey) },
          ...absent,
        },
      },
      {
        Put: {
          TableName: tableName('ledger'),
          Item: { key: `suppressed#${emailKey}`, emailKey, reason: 'unsubscribed', at },
          ...absent,
        },
      },
      ...counterUpdates(unsubscribedChanges(anyShard())),
    ]);
    return true;
  } catch (error) {
    if (cancelledBecause(error, 'ConditionalCheckFailed')) return false;
    throw error;
  }
};

/**
 * A fresh unsubscribe link token for one email; only its hash is stored. Each email gets its own, so a
 * forwarded email cannot unsubscribe anyone else, and tokens are never shared between backorders. The row
 * names the backorder the email was about, not the address: it holds nothing an erasure must find, and once
 * the shopper's data is erased the link leads nowhere.
 */
export const issueUnsubscribeToken = async (backorderId: string, nowMs: number): Promise<string> => {
  const { tokens, rows } = unsubscribeTokenRows([backorderId], nowMs);
  await dynamo.send(new PutCommand(rows[0]));
  return tokens[0];
};

/**
 * Fresh unsubscribe tokens for a batch's emails, one per backorder given: the tokens and the rows that hold
 * their hashes, for the caller to write (with the emails' links: lambdas/use-cases/plan-nurture.ts).
 */
export const unsubscribeTokenRows = (
  backorderIds: readonly string[],
  nowMs: number,
): { tokens: string[]; rows: { TableName: string; Item: Record<string, unknown> }[] } => {
  const tokens = backorderIds.map(() => newToken());
  const expiresAt = Math.floor(nowMs / 1000) + YEAR_SECONDS;
  return {
    tokens,
    rows: backorderIds.map((backorderId, i) => ({
      TableName: tableName('ledger'),
      Item: { key: `unsubscribe#${hashToken(tokens[i])}`, backorderId, expiresAt },
    })),
  };
};

/**
 * Whom an unsubscribe token was issued for, if it is one of ours: a backorder (tokens issued now), or an
 * address (tokens issued before they named backorders).
 */
export const ownerOfUnsubscribeToken = async (
  token: string,
): Promise<{ backorderId?: string; emailKey?: string } | undefined> => {
  if (!token || token.length > 200) return undefined;
  const { Item } = await dynamo.send(
    new GetCommand({ TableName: tableName('ledger'), Key: { key: `unsubscribe#${hashToken(token)}` } }),
  );
  if (!Item) return undefined;
  return {
    backorderId: Item.backorderId as string | undefined,
    emailKey: Item.emailKey as string | undefined,
  };
};

/**
 * A fresh consent-confirmation link token (double opt-in) for the confirmation email of a backorder; only
 * its hash is stored. Issued when the email is composed, so a retried send simply issues another.
 */
export const issueConsentToken = async (backorderId: string): Promise<string> => {
  const token = newToken();
  await dynamo.send(
    new PutCommand({
      TableName: tableName('ledger'),
      Item: { key: `consent#${hashToken(token)}`, backorderId },
    }),
  );
  return token;
};

/** The backorder a consent-confirmation token belongs to. */
export const backorderOfConsentToken = async (token: string): Promise<string | undefined> => {
  if (!token || token.length > 200) return undefined;
  const { Item } = await dynamo.send(
    new GetCommand({ TableName: tableName('ledger'), Key: { key: `consent#${hashToken(token)}` } }),
  );
  return Item?.backorderId as string | undefined;
};

/**
 * Suppresses an address without naming it: for a bounce or complaint about an email whose shopper erased
 * their data (it may come days after the email). The first reason is kept.
 */
export const suppressAnonymously = async (
  emailKey: string,
  reason: SuppressionReason,
  at: string,
): Promise<void> => {
  await dynamo
    .send(
      new PutCommand({
        TableName: tableName('ledger'),
        Item: { key: hashedSuppressionKey(emailKey), reason, at },
        ConditionExpression: 'attribute_not_exists(#key)',
        ExpressionAttributeNames: { '#key': 'key' },
      }),
    )
    .catch((error) => {
      if (!isConditionFailure(error)) throw error;
    });
};

/**
 * Erasure: the address's own suppression entry (which names it) becomes an entry keyed by its hash, with the
 * same reason and date, so an address that unsubscribed, bounced or complained is still never sent
 * marketing email if it signs up again. Safe to repeat: the hashed entry is written before the named one
 * goes.
 */
export const keepSuppressionAnonymously = async (emailKey: string): Promise<void> => {
  const { Item } = await dynamo.send(
    new GetCommand({
      TableName: tableName('ledger'),
      Key: { key: `suppressed#${emailKey}` },
      ConsistentRead: true,
    }),
  );
  if (!Item) return;
  await dynamo
    .send(
      new PutCommand({
        TableName: tableName('ledger'),
        Item: { key: hashedSuppressionKey(emailKey), reason: Item.reason, at: Item.at },
        ConditionExpression: 'attribute_not_exists(#key)',
        ExpressionAttributeNames: { '#key': 'key' },
      }),
    )
    .catch((error) => {
      if (!isConditionFailure(error)) throw error;
    });
  await dynamo.send(
    new DeleteCommand({ TableName: tableName('ledger'), Key: { key: `suppressed#${emailKey}` } }),
  );
};
