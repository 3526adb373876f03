/**
 * The shopper's side of marketing email: one-click unsubscribe (for every product, at once) and the double
 * opt-in confirmation that makes consent effective and starts the nurture sequences.
 */
import { NotFoundError } from '../runtime/errors';
import { normalizeEmail } from '../domain/backorder';
import { confirmConsent, getBackorder } from '../store/backorder-store';
import { backorderOfConsentToken, ownerOfUnsubscribeToken, suppress } from '../store/shopper-store';
import { enrolInMatchingCampaigns } from './nurture-enrolment';

/** The address an unsubscribe link is for; none once the shopper's data was erased. */
const addressOfUnsubscribeLink = async (token: string | undefined): Promise<string | undefined> => {
  const owner = token ? await ownerOfUnsubscribeToken(token) : undefined;
  if (owner?.backorderId) return (await getBackorder(owner.backorderId))?.emailKey || undefined;
  return owner?.emailKey;
};

export const unsubscribe = async (token: string | undefined, nowMs = Date.now()): Promise<void> => {
  const emailKey = await addressOfUnsubscribeLink(token);
  if (!emailKey) throw new NotFoundError('This unsubscribe link is not valid');
  // Sequences stop lazily: the sender checks the suppression list before every marketing email.
  await suppress(normalizeEmail(emailKey), 'unsubscribed', new Date(nowMs).toISOString());
};

export type ConsentOutcome = 'confirmed' | 'not-waiting';

export const confirmMarketingConsent = async (
  token: string | undefined,
  nowMs = Date.now(),
): Promise<ConsentOutcome> => {
  const backorderId = token ? await backorderOfConsentToken(token) : undefined;
  if (!backorderId) throw new NotFoundError('This confirmation link is not valid');
  const backorder = await confirmConsent(backorderId, new Date(nowMs).toISOString());
  // The shopper's data was erased (or is being erased): the link leads nowhere any more.
  if (backorder?.erasedAt || backorder?.erasingAt)
    throw new NotFoundError('This confirmation link is not valid');
  if (!backorder || backorder.status !== 'waiting') return 'not-waiting';
  await enrolInMatchingCampaigns(backorder, nowMs);
  return 'confirmed';
};
