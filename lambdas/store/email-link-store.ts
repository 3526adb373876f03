/**
 * The email links of a backorder (`emailTokenHashes`): the hash of every link the platform emailed to its
 * address. An email may record what it tells the shopper in the same write (`also`): an expected-date update
 * records its announcement and, when it asks, the question (lambdas/use-cases/plan-eta-update.ts).
 */
import type { UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { tableName } from '../runtime/config';
import { updateEachIfHolds, updateIfHolds, type AlongsidePut } from '../runtime/transact';
import type { Backorder } from '../domain/backorder';
import { getBackorder } from './backorder-store';

/**
 * How many email links a backorder keeps. Each email adds one, and anyone may have "my links" sent to an
 * address three times an hour: without a bound, its backorders would grow towards DynamoDB's 400 KB item
 * limit and then refuse every write (allocation included). The newest are kept; older emails' links stop
 * working, and the newest email always has one that works.
 */
export const MAX_EMAIL_LINKS = 100;

/** More to write with the link: attributes to set, and what the backorder must be for the email to go. */
export interface AlongsideLink {
  set: Record<string, unknown>;
  condition: { expression: string; values: Record<string, unknown>; names?: Record<string, string> };
  /** Whether the backorder as read still allows the email: when not, `addEmailToken` throws EmailRefused. */
  allows: (backorder: Backorder) => boolean;
}

/** The backorder no longer allows the email (`also.allows`): nothing was written. */
export class EmailRefused extends Error {
  override name = 'EmailRefused';
}

/**
 * The write adding one link, given the links as last read: appended while the list has room; at the bound,
 * the newest links but one and this one, if the list is still as read. Never for an erased backorder: its
 * address is gone, and a link issued now would lead nowhere. `also` adds its attributes and condition. The
 * signup bench's floor makes the same write.
 */
export const linkWrite = (
  id: string,
  tokenHash: string,
  links: readonly string[],
  also?: AlongsideLink,
): UpdateCommandInput => {
  const set = Object.entries(also?.set ?? {});
  const names = Object.fromEntries(set.map(([name], i) => [`#also${i}`, name]));
  const values = Object.fromEntries(set.map(([, value], i) => [`:also${i}`, value]));
  const assignments = set.map((_, i) => `, #also${i} = :also${i}`).join('');
  const condition = also ? ` AND (${also.condition.expression})` : '';
  const full = links.length >= MAX_EMAIL_LINKS;
  return {
    TableName: tableName('backorders'),
    Key: { id },
    ...(set.length || also?.condition.names
      ? { ExpressionAttributeNames: { ...names, ...also?.condition.names } }
      : {}),
    ...(full
      ? {
          UpdateExpression: `SET emailTokenHashes = :links${assignments}`,
          ConditionExpression: `attribute_not_exists(erasedAt) AND size(emailTokenHashes) = :seen${condition}`,
          ExpressionAttributeValues: {
            ':links': [...links.slice(links.length - MAX_EMAIL_LINKS + 1), tokenHash],
            ':seen': links.length,
            ...values,
            ...also?.condition.values,
          },
        }
      : {
          UpdateExpression: `SET emailTokenHashes = list_append(if_not_exists(emailTokenHashes, :none), :hash)${assignments}`,
          ConditionExpression:
            'attribute_exists(id) AND attribute_not_exists(erasedAt) AND ' +
            `(attribute_not_exists(emailTokenHashes) OR size(emailTokenHashes) < :max)${condition}`,
          ExpressionAttributeValues: {
            ':hash': [tokenHash],
            ':none': [],
            ':max': MAX_EMAIL_LINKS,
            ...values,
            ...also?.condition.values,
          },
        }),
  };
};

/**
 * A batch's email links (one per email, on different or the same backorders): one request while every list
 * has room; a link whose write was refused (its list at the bound, its backorder erased) is then added on its
 * own as `addEmailToken` adds it. Settles per link: an erased or missing backorder's link is rejected alone.
 */
export const addEmailTokens = async (
  links: readonly { id: string; tokenHash: string }[],
  /** New rows of the same emails (their unsubscribe tokens), written in the same request. */
  alongside: readonly AlongsidePut[] = [],
): Promise<PromiseSettledResult<void>[]> => {
  const written = await updateEachIfHolds(
    links.map(({ id, tokenHash }) => linkWrite(id, tokenHash, [])),
    alongside,
  );
  return Promise.allSettled(
    links.map(async ({ id, tokenHash }, i) => {
      if (!written[i]) await addEmailToken(id, tokenHash);
    }),
  );
};

/**
 * Adds the hash of a newly issued *email link* (each email carries its own link): it also exports and
 * erases, so only links that go to the backorder's own address are added here. One conditional write while
 * there is room; at the bound, the oldest link gives way (a write conditioned on the list as read).
 */
export const addEmailToken = async (id: string, tokenHash: string, also?: AlongsideLink): Promise<void> => {
  let seen: Backorder | undefined;
  for (let attempt = 0; attempt < 5; attempt++) {
    if (await updateIfHolds(linkWrite(id, tokenHash, seen?.emailTokenHashes ?? [], also))) return;
    seen = await getBackorder(id);
    // Gone or erased: refused (the caller's email must not go out with a link that leads nowhere).
    if (!seen || seen.erasedAt) throw new Error(`Backorder ${id} is gone or erased: no email link for it`);
    if (also && !also.allows(seen)) throw new EmailRefused(`Backorder ${id} no longer allows this email`);
  }
  throw new Error(`Backorder ${id}: its email links kept changing`);
};
