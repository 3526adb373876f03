/**
 * Email links: the status link an email carries, issued when the email is composed. Each email gets its own
 * token, stored only as a hash among the backorder's email links (they also export and erase, since only
 * the shopper's own mailbox ever receives them).
 */
import DataLoader from 'dataloader';
import { hashToken, newToken } from '../runtime/tokens';
import { addEmailToken, addEmailTokens } from '../store/email-link-store';
import { unsubscribeTokenRows } from '../store/shopper-store';
import type { AlongsidePut } from '../runtime/transact';
import { claimUrl, statusUrl } from './links';

export const issueEmailLink = async (base: string, backorderId: string, via?: string): Promise<string> =>
  (await issueEmailLinks(base, backorderId, via)).statusUrl;

/** The email's status link and, with the same token, its "complete your order" link (GET /r/{id}). */
export const issueEmailLinks = async (
  base: string,
  backorderId: string,
  via?: string,
): Promise<{ statusUrl: string; claimUrl: string }> => {
  const token = newToken();
  await addEmailToken(backorderId, hashToken(token));
  return {
    statusUrl: statusUrl(base, backorderId, token, via),
    claimUrl: claimUrl(base, backorderId, token),
  };
};

/**
 * Issues the tokens of the emails composed in the same tick (a batch's): each email's status-link token, and
 * whatever rows it carries alongside (a marketing email's unsubscribe token), in one write for them all.
 * Each email gets its own tokens, even two emails of one backorder.
 */
const tokenIssuer = <T>(
  alongside: (backorderIds: readonly string[]) => {
    tokens: readonly string[];
    rows: readonly AlongsidePut[];
  },
  result: (status: string, alongsideToken: string) => T,
) =>
  new DataLoader<string, T>(
    async (backorderIds) => {
      const status = backorderIds.map(() => newToken());
      const also = alongside(backorderIds);
      const added = await addEmailTokens(
        backorderIds.map((id, i) => ({ id, tokenHash: hashToken(status[i]) })),
        also.rows,
      );
      return added.map((outcome, i) =>
        outcome.status === 'rejected' ? (outcome.reason as Error) : result(status[i], also.tokens[i]),
      );
    },
    { cache: false },
  );

/** A transactional email's status-link token. */
export const statusTokenIssuer = () =>
  tokenIssuer(
    () => ({ tokens: [], rows: [] }),
    (status) => status,
  );

/** A marketing email's status-link and unsubscribe tokens. */
export const marketingTokenIssuer = (nowMs: number) =>
  tokenIssuer(
    (backorderIds) => unsubscribeTokenRows(backorderIds, nowMs),
    (status, unsubscribe) => ({ status, unsubscribe }),
  );
