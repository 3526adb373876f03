/**
 * A shopper's data rights, exercised with an email link of any of their backorders (a link the platform
 * emailed to their address, so holding it proves the mailbox is theirs): download everything stored about
 * them, or erase it. A page link (answered over HTTP to whoever typed the address) is refused with 403.
 *
 * Erasure keeps the anonymous record (each backorder's SKU, quantity, status, dates and events), so every
 * count the shop keeps stays right, and removes what names the shopper from every table: their address,
 * name and company, the address in the send ledger (and email subjects, which may carry the name), their
 * signup claims, their enrolments, the suppression entry (kept as a hash of the address, so an address that
 * unsubscribed, bounced or complained is not mailed marketing again). Rows that only ever hold a hash of
 * the address (feedback markers, rate-limit windows) or a backorder id (unsubscribe and consent links, SES
 * message ids, webhook deliveries) need nothing.
 *
 * It runs as steps that are each safe to repeat, in an order that keeps the way back: the backorder whose
 * link asked is marked `erasingAt` first (its link stops working) and made anonymous last, because its
 * address is what a retry needs to find the rest. A request that failed half-way is completed by the next
 * one, through that link or through the link of any backorder already made anonymous (`erasedVia`).
 */
import { ConflictError, ForbiddenError, NotFoundError } from '../runtime/errors';
import { logger } from '../runtime/logger';
import { linkStrengthOf, statusTokenMatches } from '../runtime/tokens';
import { mapWithLimit } from '../runtime/concurrency';
import { ACTIVE_STATUSES, anonymousActor, linksExpired, type Backorder } from '../domain/backorder';
import { getBackorder } from '../store/backorder-store';
import { backordersOfShopper } from '../store/backorder-listings';
import { anonymiseBackorder, markErasing, releaseClaimOf } from '../store/backorder-erasure-store';
import { getProduct } from '../store/catalog-store';
import { deleteEnrolments, enrolmentsOf } from '../store/enrolment-store';
import { allEmailsSentTo, forgetRecipient, withholdEmail } from '../store/sent-emails-store';
import { keepSuppressionAnonymously, suppressionOf } from '../store/shopper-store';
import { emailOutcome, webhookDeliveriesOf } from './backorder-history';
import { cancelBackorder, type LinkedBackorder } from './shopper-backorder';

const ID_PATTERN = /^[0-9A-HJKMNP-TV-Z]{26}$/;
const NOT_FOUND_MESSAGE = 'No backorder matches this link';
const PARALLEL_WRITES = 8;

/** A page link may not export or erase: the shopper is sent to the link in their email instead. */
export const USE_EMAIL_LINK =
  'This link can show and cancel this backorder only. To download or delete your data, use the link in ' +
  'an email we sent you (or ask for your links by email).';

const requireEmailLink = (link: LinkedBackorder['link'] | undefined): void => {
  if (link !== 'email') throw new ForbiddenError(USE_EMAIL_LINK);
};

// ---- export -------------------------------------------------------------------------------------------

/** Everything stored about the shopper of this backorder (found by an email link): all their backorders. */
export const exportShopperData = async ({ backorder, link }: LinkedBackorder, nowMs = Date.now()) => {
  requireEmailLink(link);
  const emailKey = backorder.emailKey;
  const found = await backordersOfShopper(emailKey);
  // The index is eventually consistent: the backorder the link is for is always in.
  const backorders = [backorder, ...found.filter((b) => b.id !== backorder.id)].sort((a, b) =>
    a.queueKey.localeCompare(b.queueKey),
  );
  const skus = [...new Set(backorders.map((b) => b.sku))];
  const [products, emails, suppression, enrolments, deliveries] = await Promise.all([
    Promise.all(skus.map((sku) => getProduct(sku))),
    allEmailsSentTo(emailKey),
    suppressionOf(emailKey),
    mapWithLimit(backorders, PARALLEL_WRITES, (b) => enrolmentsOf(b.id)),
    webhookDeliveriesOf(backorders),
  ]);
  const productName = new Map(skus.map((sku, i) => [sku, products[i]?.name ?? sku]));
  return {
    exportedAt: new Date(nowMs).toISOString(),
    email: backorder.email,
    backorders: backorders.map((b) => ({
      id: b.id,
      sku: b.sku,
      productName: productName.get(b.sku),
      email: b.email,
      name: b.name ?? null,
      company: b.company ?? null,
      segment: b.segment,
      quantity: b.quantity,
      status: b.status,
      marketingConsent: b.marketingConsent,
      consentEffectiveAt: b.consentedAt ?? null,
      locale: b.locale,
      createdAt: b.createdAt,
      updatedAt: b.updatedAt,
      allocatedAt: b.allocatedAt ?? null,
      // Staff who acted on a backorder are "staff": their identities are not the shopper's data.
      events: b.events.map(({ at, type, by }) => ({ at, type, by: anonymousActor(by) ?? null })),
    })),
    emails: emails
      .sort((a, b) => a.claimedAt.localeCompare(b.claimedAt))
      .map((email) => ({
        kind: email.kind,
        backorderId: email.backorderId ?? null,
        subject: email.subject ?? null,
        campaignId: email.campaignId ?? null,
        stepId: email.stepId ?? null,
        sentAt: email.sentAt ?? null,
        outcome: emailOutcome(email),
        outcomeAt: email.complaint?.at ?? email.bounce?.at ?? null,
      })),
    marketingEmail: suppression
      ? { suppressed: true, reason: suppression.reason, since: suppression.at }
      : { suppressed: false, reason: null, since: null },
    nurtureSequences: enrolments.flat().map((e) => ({
      backorderId: e.backorderId,
      campaignId: e.campaignId,
      state: e.state,
      enrolledAt: e.enrolledAt,
    })),
    // What the shop's own systems were told about these backorders (each event carried the backorder).
    webhookDeliveries: deliveries
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
      .map((d) => ({
        endpoint: d.webhookId,
        event: d.eventType,
        // Only deliveries found by their backorder's events are here (backorder-history.ts).
        backorderId: d.backorderId ?? '',
        at: d.createdAt,
        state: d.state,
        deliveredAt: d.deliveredAt ?? null,
      })),
  };
};

/** The file name the download is saved under. */
export const exportFileName = (backorderId: string): string => `backorder-data-${backorderId}.json`;

// ---- erasure ------------------------------------------------------------------------------------------

/**
 * The backorder a DELETE is for, by its link: a live email link, or one it had before it was made anonymous
 * (so repeating the request answers the same). A live page link → 403, nothing changes; anything else (an
 * expired link included) is the same 404 as an unknown id.
 */
const findForErasure = async (id: string, token: string | undefined, nowMs: number): Promise<Backorder> => {
  if (!ID_PATTERN.test(id)) throw new NotFoundError(NOT_FOUND_MESSAGE);
  const backorder = await getBackorder(id);
  const live = backorder && !linksExpired(backorder, nowMs) ? linkStrengthOf(token, backorder) : undefined;
  const before = statusTokenMatches(token, backorder?.erasedTokenHashes);
  if (!backorder || !(live || before)) throw new NotFoundError(NOT_FOUND_MESSAGE);
  if (!before) requireEmailLink(live);
  return backorder;
};

/** Reads the backorder again and makes it anonymous; a change landing in between is read and kept. */
const anonymise = async (id: string, erasedVia: string, at: string): Promise<void> => {
  for (let attempt = 0; attempt < 5; attempt++) {
    const current = await getBackorder(id);
    if (!current || current.erasedAt) return;
    if ((await anonymiseBackorder(current, erasedVia, at)) === 'done') return;
  }
  throw new Error(`Backorder ${id} kept changing while it was being erased`);
};

/** Everything of one backorder but the row itself: active → cancelled, claim, alert, enrolments. */
const eraseAround = async (backorder: Backorder, nowMs: number, at: string): Promise<void> => {
  // Cancelled the usual way: an allocated one gives its units back, sequences stop, webhooks hear of it.
  if (ACTIVE_STATUSES.includes(backorder.status)) {
    // The shop hears of the cancel, but not who it was: the event carries no personal data.
    await cancelBackorder(backorder, 'shopper', nowMs, { anonymous: true }).catch((error: unknown) => {
      // Fulfilled meanwhile: nothing left to cancel, the record is erased all the same.
      if (!(error instanceof ConflictError)) throw error;
    });
  }
  await Promise.all([
    releaseClaimOf(backorder),
    // A restock alert still queued carries the address itself; it must find its email already "sent".
    // (Its id is plan-restock-alert's `restockEmailId`, written out: that module brings the email templates.)
    withholdEmail(`restock#${backorder.id}`, { kind: 'restock', backorderId: backorder.id }, at),
    deleteEnrolments(backorder.id),
  ]);
};

/** Completes the erasure that the backorder `anchor` (not yet anonymous) asked for. */
const completeErasure = async (anchor: Backorder, nowMs: number): Promise<void> => {
  const at = new Date(nowMs).toISOString();
  if (!(await markErasing(anchor.id, at))) return; // made anonymous meanwhile: complete
  const { emailKey } = anchor;
  const handled = new Set<string>();
  // The index is eventually consistent: a second look finds a backorder that was not in it yet.
  for (let round = 0; round < 3; round++) {
    const found = (await backordersOfShopper(emailKey)).filter(
      (b) => !b.erasedAt && !handled.has(b.id) && b.id !== anchor.id,
    );
    const batch = round === 0 ? [anchor, ...found] : found;
    if (batch.length === 0) break;
    await mapWithLimit(batch, PARALLEL_WRITES, (b) => eraseAround(b, nowMs, at));
    await mapWithLimit(
      batch.filter((b) => b.id !== anchor.id),
      PARALLEL_WRITES,
      (b) => anonymise(b.id, anchor.id, at),
    );
    batch.forEach((b) => handled.add(b.id));
  }
  const emails = await allEmailsSentTo(emailKey);
  await mapWithLimit(emails, PARALLEL_WRITES, (email) => forgetRecipient(email.emailId, at, email.state));
  await keepSuppressionAnonymously(emailKey);
  // Last: the address on this row is how a retry finds everything above.
  await anonymise(anchor.id, anchor.id, at);
  logger.info('shopper data erased', {
    backorderId: anchor.id,
    backorders: handled.size,
    emails: emails.length,
  });
};

/**
 * Erases the personal data of the shopper whose link this is. Repeating it is harmless and answers the same;
 * a repeat after a failure completes what was left.
 */
export const eraseShopperData = async (
  id: string,
  token: string | undefined,
  nowMs = Date.now(),
): Promise<{ id: string; erased: true }> => {
  const backorder = await findForErasure(id, token, nowMs);
  let anchor: Backorder | undefined = backorder;
  if (backorder.erasedAt) {
    // Made anonymous by an erasure that may have stopped before its end: complete that one.
    const via = backorder.erasedVia && backorder.erasedVia !== backorder.id ? backorder.erasedVia : undefined;
    anchor = via ? await getBackorder(via) : undefined;
    if (anchor?.erasedAt) anchor = undefined;
  }
  if (anchor) await completeErasure(anchor, nowMs);
  return { id: backorder.id, erased: true };
};
