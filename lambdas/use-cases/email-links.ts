/**
 * Email links: the status link an email carries, issued when the email is composed. Each email gets its own
 * token, stored only as a hash among the backorder's email links (they also export and erase, since only
 * the shopper's own mailbox ever receives them).
 */
import { hashToken, newToken } from '../runtime/tokens';
import { addEmailToken } from '../store/backorder-store';
import { statusUrl } from './links';

export const issueEmailLink = async (base: string, backorderId: string): Promise<string> => {
  const token = newToken();
  await addEmailToken(backorderId, hashToken(token));
  return statusUrl(base, backorderId, token);
};
