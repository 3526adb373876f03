/**
 * Nurture campaigns: a marketer's sequence of emails for waiting shoppers. Pure rules: the schema that guards
 * every save, durations, audience matching, and what the next step of a sequence is.
 */
import { parse as parseDuration } from 'tinyduration';
import type { Segment } from './backorder';
import type { CampaignInput, NurtureStep } from './campaign-schema';

export type { CampaignInput, NurtureStep };

export const MAX_DELAY_MS = 366 * 24 * 3600 * 1000;

/** Milliseconds of an ISO-8601 duration; calendar units (years, months) are refused as ambiguous. */
export const durationMs = (iso: string): number => {
  const d = parseDuration(iso);
  if (d.years || d.months)
    throw new Error('use weeks, days, hours or minutes: months and years vary in length');
  if (d.negative) throw new Error('must not be negative');
  return (
    (((d.weeks ?? 0) * 7 + (d.days ?? 0)) * 24 * 3600 +
      (d.hours ?? 0) * 3600 +
      (d.minutes ?? 0) * 60 +
      (d.seconds ?? 0)) *
    1000
  );
};

export interface Campaign extends CampaignInput {
  id: string;
  /** Increases with every save; enrolment jobs carry it so a stale job stops. */
  version: number;
  createdAt: string;
  updatedAt: string;
}

export const audienceMatches = (
  campaign: Pick<Campaign, 'audience'>,
  sku: string,
  segment: Segment,
): boolean => {
  const skus = campaign.audience?.skus ?? [];
  const segments = campaign.audience?.segments ?? [];
  return (skus.length === 0 || skus.includes(sku)) && (segments.length === 0 || segments.includes(segment));
};

/**
 * The step to send after `stepId`, in the campaign as it is now. A step the marketer removed is looked up by
 * its old position, so editing a campaign applies to enrolled shoppers from their next step on.
 */
export const stepAfter = (
  campaign: Pick<Campaign, 'steps'>,
  stepId: string,
  stepIndex: number,
): { step: NurtureStep; index: number } | undefined => {
  const found = campaign.steps.findIndex((s) => s.id === stepId);
  const index = (found >= 0 ? found : stepIndex) + 1;
  return index < campaign.steps.length ? { step: campaign.steps[index], index } : undefined;
};

/** The step an enrolment should send next, by id, or by position when the marketer removed it. */
export const currentStep = (
  campaign: Pick<Campaign, 'steps'>,
  stepId: string,
  stepIndex: number,
): { step: NurtureStep; index: number } | undefined => {
  const found = campaign.steps.findIndex((s) => s.id === stepId);
  const index = found >= 0 ? found : stepIndex;
  return index < campaign.steps.length ? { step: campaign.steps[index], index } : undefined;
};

/** When a step falls due: its delay after the anchor (enrolment or the previous send), never in the past. */
export const dueAt = (anchorMs: number, step: Pick<NurtureStep, 'delay'>, nowMs: number): number =>
  Math.max(anchorMs + durationMs(step.delay), nowMs);
