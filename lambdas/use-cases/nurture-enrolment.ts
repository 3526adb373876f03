/**
 * Enrols a waiting, consenting backorder in every active campaign whose audience matches it. Idempotent:
 * enrolments are conditional puts, so running it again (a redelivered confirmation) changes nothing.
 */
import { audienceMatches, dueAt, type Campaign } from '../domain/campaign';
import type { Backorder } from '../domain/backorder';
import { listCampaigns } from '../store/campaign-store';
import { enrol } from '../store/enrolment-store';

export const enrolInMatchingCampaigns = async (
  backorder: Backorder,
  nowMs: number,
  campaigns?: Campaign[],
): Promise<number> => {
  if (backorder.status !== 'waiting' || !backorder.consentedAt) return 0;
  const matching = (campaigns ?? (await listCampaigns())).filter(
    (c) => c.active && audienceMatches(c, backorder.sku, backorder.segment),
  );
  const results = await Promise.all(matching.map((campaign) => enrolInCampaign(backorder, campaign, nowMs)));
  return results.filter(Boolean).length;
};

/** The first step falls due its delay after consent, or now when that moment has passed. */
export const enrolInCampaign = (
  backorder: Backorder,
  campaign: Campaign,
  nowMs: number,
): Promise<boolean> => {
  const first = campaign.steps[0];
  const anchor = Date.parse(backorder.consentedAt ?? backorder.createdAt);
  return enrol(
    backorder.id,
    campaign.id,
    { stepId: first.id, dueMs: dueAt(anchor, first, nowMs) },
    new Date(nowMs).toISOString(),
  );
};
