/**
 * Email links: the status link an email carries, issued when the email is composed. Each email gets its own
 * token, stored only as a hash among the backorder's email links (they also export and erase, since only
 * the shopper's own mailbox ever receives them).
 */
import DataLoader from 'dataloader';
import { hashToken, newToken } from '../runtime/tokens';
import { addEmailToken, addEmailTokens } from '../store/email-link-store';
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
 * Issues the status-link tokens of the emails composed in the same tick (a batch's): one write for them all.
 * Each email gets its own token, even two emails of one backorder.
 */
export const statusTokenIssuer = () =>
  new DataLoader<string, string>(
    async (backorderIds) => {
      const tokens = backorderIds.map(() => newToken());
      const added = await addEmailTokens(
        backorderIds.map((id, i) => ({ id, tokenHash: hashToken(tokens[i]) })),
      );
      return added.map((outcome, i) =>
        outcome.status === 'rejected' ? (outcome.reason as Error) : tokens[i],
      );
    },
    { cache: false },
  );
