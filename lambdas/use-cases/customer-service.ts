/**
 * Customer service on a shopper's behalf: one backorder with its whole timeline, the emails sent to an
 * address, and a fresh status link by email for a shopper who lost theirs.
 */
import { NotFoundError, RateLimitedError, ValidationError } from '../runtime/errors';
import { normalizeEmail, type Backorder } from '../domain/backorder';
import { enqueueEmail } from '../store/email-queue';
import { countHit } from '../store/rate-limit-store';
import { emailsSentTo } from '../store/sent-emails-store';
import { adminView } from './admin-backorders';
import { backorderTimeline } from './backorder-history';
import { statusLinkEmailId } from '../messages/email';

/** The backorder as the console sees it (no token hashes), and everything that happened to it. */
export const backorderDetail = async (backorder: Backorder) => ({
  ...adminView(backorder),
  timeline: await backorderTimeline(backorder),
});

/** The emails the platform sent to an address, newest first ("did they get it?"). */
export const emailsSentToShopper = async (rawEmail: string | undefined) => {
  if (!rawEmail || rawEmail.length > 254)
    throw new ValidationError('Say whose emails to list', [{ path: 'email', message: 'required' }]);
  return { items: await emailsSentTo(normalizeEmail(rawEmail)) };
};

/**
 * At most this many resent links per backorder and hour. Staff are trusted, but a stuck button, a script or
 * a misused account must not fill a shopper's inbox, and each link adds a token hash to the backorder.
 */
export const STATUS_LINKS_PER_HOUR = 5;
const HOUR_SECONDS = 3600;

const enforceStatusLinkLimit = async (backorderId: string, nowMs: number): Promise<void> => {
  const window = Math.floor(nowMs / 1000 / HOUR_SECONDS);
  const windowEnds = (window + 1) * HOUR_SECONDS;
  const hits = await countHit(`rate#status-link#${backorderId}#${window}`, windowEnds);
  if (hits > STATUS_LINKS_PER_HOUR) {
    throw new RateLimitedError(
      Math.max(1, windowEnds - Math.floor(nowMs / 1000)),
      `At most ${STATUS_LINKS_PER_HOUR} status links per backorder and hour; try again later`,
    );
  }
};

/**
 * Queues the transactional email that carries a fresh status link (an email link, issued when the email is
 * composed). `requestId` names this request: the email's id includes it, so the request sends one email
 * however often its message is delivered, and a second request sends a second one.
 */
export const resendStatusLink = async (
  backorder: Backorder,
  requestedBy: string,
  requestId: string,
  nowMs = Date.now(),
): Promise<{ id: string; emailId: string; queued: true }> => {
  if (backorder.erasedAt || backorder.erasingAt) {
    throw new NotFoundError(
      `Backorder ${backorder.id} was erased at the shopper's request: no one to send to`,
    );
  }
  await enforceStatusLinkLimit(backorder.id, nowMs);
  await enqueueEmail({ kind: 'statusLink', backorderId: backorder.id, requestId, requestedBy });
  return { id: backorder.id, emailId: statusLinkEmailId(backorder.id, requestId), queued: true };
};
