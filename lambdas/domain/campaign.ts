/**
 * Nurture campaigns: a marketer's sequence of emails for waiting shoppers. Pure rules: audience matching and
 * what the next step of a sequence is, and when (the schema that guards every save is campaign-schema.ts,
 * delays are parsed in durations.ts).
 */
import { durationMs } from './durations';
import type { Segment } from './backorder';
import type { CampaignInput, NurtureStep, StepContent } from './campaign-schema';
import { pickLocale } from '../../i18n/locales';

export type { CampaignInput, NurtureStep, StepContent };

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
 * Whether a campaign's enrolment job (lambdas/use-cases/enrol-audience.ts) enrols this backorder: only one
 * that signed up before this version of the campaign was saved. A later signup is enrolled once its
 * confirmation went out (lambdas/use-cases/plan-confirmation.ts), so no marketing email reaches a shopper
 * before the confirmation of their signup.
 */
export const signedUpBeforeSave = (
  campaign: Pick<Campaign, 'updatedAt'>,
  backorder: { createdAt: string },
): boolean => backorder.createdAt <= campaign.updatedAt;

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

/**
 * What the step says to a shopper of this locale ("de-AT" → its German version): the version in their
 * language when the marketer wrote one, else the step itself.
 */
export const stepIn = (step: NurtureStep, locale: string | undefined): StepContent => {
  const version = step.locales?.[pickLocale([locale])];
  return version ?? { subject: step.subject, html: step.html, text: step.text };
};

/** Every version of a step, each with where its fields are in the step (`""` or `"locales.de."`). */
export const stepVersions = (step: NurtureStep): Array<{ path: string; content: StepContent }> => [
  { path: '', content: step },
  ...Object.entries(step.locales ?? {}).map(([locale, content]) => ({
    path: `locales.${locale}.`,
    content: content as StepContent,
  })),
];
