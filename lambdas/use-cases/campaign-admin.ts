/**
 * What marketers do with campaigns: save (refusing broken templates with line and column), preview with
 * sample or real data, send a test, and delete. Activating a campaign starts an enrolment job for the
 * shoppers already waiting.
 *
 * Templates are checked twice before they are kept or shown: statically (syntax, known variables and
 * filters, no tag that reads files), then by a trial render with the sample shopper within the limits of
 * lambdas/emails/render-limits.ts (100 ms, 512 KiB). Either failure is a 400 naming the field.
 */
import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import { NotFoundError, ValidationError, type ErrorDetail } from '../runtime/errors';
import { stepIn, stepVersions, type Campaign, type NurtureStep } from '../domain/campaign';
import { campaignIdSchema, campaignSchema } from '../domain/campaign-schema';
import { SUPPORTED_LOCALES } from '../../i18n/locales';
import { emailAddress } from '../domain/backorder-schema';
import { parseOrThrow } from '../domain/validation';
import { renderNurtureStep } from '../emails/nurture';
import { TemplateRefused } from '../emails/render-limits';
import type { RenderedEmail } from '../emails/rendered';
import { checkTemplate, sampleVariables, type NurtureVariables } from '../emails/variables';
import { getBackorder } from '../store/backorder-store';
import { deleteCampaign, getCampaign, listCampaigns, saveCampaign } from '../store/campaign-store';
import { enqueueEmail } from '../store/email-queue';
import { enqueueEnrolmentJob } from '../store/enrolment-jobs';
import { backorderVariables } from './email-variables';
import { senderIdentity } from './sender-identity';

export const validCampaignId = (raw: string): string => {
  const id = campaignIdSchema.safeParse(raw);
  if (!id.success) throw new NotFoundError(`Campaign ${raw} not found`);
  return id.data;
};

const templateProblems = (
  step: Pick<NurtureStep, 'subject' | 'html' | 'text'>,
  prefix: string,
): ErrorDetail[] => [
  ...checkTemplate(step.subject, `${prefix}subject`, 'text'),
  ...checkTemplate(step.html, `${prefix}html`, 'html'),
  ...(step.text !== undefined ? checkTemplate(step.text, `${prefix}text`, 'text') : []),
];

/** A template that could not be rendered within the limits, as the contract detail of its field. */
const refusalDetail = (refused: TemplateRefused, prefix: string, withWhom: string): ErrorDetail => ({
  path: `${prefix}${refused.part}`,
  message: `with ${withWhom}, ${refused.reason}`,
});

/** The 400 for templates that cannot be rendered; with one problem, the message says it too (for toasts). */
const cannotRender = (problems: ErrorDetail[]): ValidationError =>
  new ValidationError(
    problems.length === 1
      ? `A template cannot be rendered (${problems[0].path}: ${problems[0].message})`
      : 'Templates cannot be rendered',
    problems,
  );

/**
 * Renders a step as it would be sent; a template that breaks a limit or fails to render is a 400 naming the
 * field (`prefix` + subject, html or text), never a 500.
 */
const renderOrRefuse = async (
  step: Pick<NurtureStep, 'subject' | 'html' | 'text'>,
  variables: NurtureVariables,
  postalAddress: string,
  prefix: string,
  withWhom: string,
): Promise<RenderedEmail> => {
  try {
    return await renderNurtureStep(step, variables, postalAddress);
  } catch (error) {
    if (!(error instanceof TemplateRefused)) throw error;
    throw cannotRender([refusalDetail(error, prefix, withWhom)]);
  }
};

/** Every version of every step (each language) trial-rendered with the sample shopper, as a test send renders it. */
const trialProblems = async (
  steps: readonly NurtureStep[],
  prefix: (i: number) => string,
): Promise<ErrorDetail[]> => {
  const { base, settings } = await senderIdentity();
  const problems: ErrorDetail[] = [];
  for (const [i, step] of steps.entries()) {
    for (const version of stepVersions(step)) {
      try {
        await renderNurtureStep(version.content, sampleVariables(base), settings.sender.postalAddress);
      } catch (error) {
        if (!(error instanceof TemplateRefused)) throw error;
        problems.push(refusalDetail(error, `${prefix(i)}${version.path}`, 'the sample shopper'));
      }
    }
  }
  return problems;
};

/**
 * Refuses a step any version of which (each language) has template errors or cannot be rendered within the
 * limits with the sample.
 */
const checkSteps = async (steps: readonly NurtureStep[], prefix: (i: number) => string): Promise<void> => {
  const problems = steps.flatMap((step, i) =>
    stepVersions(step).flatMap((version) => templateProblems(version.content, `${prefix(i)}${version.path}`)),
  );
  if (problems.length > 0) throw new ValidationError('A template has errors', problems);
  const refused = await trialProblems(steps, prefix);
  if (refused.length > 0) throw cannotRender(refused);
};

export const saveCampaignFromConsole = async (rawId: string, body: unknown) => {
  const id = parseOrThrow(campaignIdSchema, rawId, 'campaign id');
  const input = parseOrThrow(campaignSchema, body, 'campaign');
  await checkSteps(input.steps, (i) => `steps.${i}.`);
  const { campaign, previous } = await saveCampaign(id, input);
  const audienceChanged =
    JSON.stringify(previous?.audience ?? {}) !== JSON.stringify(campaign.audience ?? {});
  if (campaign.active && (!previous?.active || audienceChanged)) {
    await enqueueEnrolmentJob({ campaignId: id, version: campaign.version, skuIndex: 0 });
  }
  return { campaign, created: !previous };
};

export const allCampaigns = async (): Promise<{ items: Campaign[] }> => ({ items: await listCampaigns() });

export const campaignById = async (rawId: string): Promise<Campaign> => {
  const campaign = await getCampaign(validCampaignId(rawId));
  if (!campaign) throw new NotFoundError(`Campaign ${rawId} not found`);
  return campaign;
};

export const removeCampaign = async (rawId: string) => {
  if (!(await deleteCampaign(validCampaignId(rawId)))) throw new NotFoundError(`Campaign ${rawId} not found`);
  return { id: rawId, deleted: true };
};

const text = z.string().max(200);
export const sampleSchema = z
  .union([
    z.object({ backorderId: z.string().regex(/^[0-9A-Z]{26}$/) }).strict(),
    z
      .object({
        shopper: z.object({ name: text.optional(), email: text.optional() }).strict().optional(),
        product: z
          .object({ name: text.optional(), sku: text.optional(), expectedRestockDate: text.optional() })
          .strict()
          .optional(),
        backorder: z
          .object({ quantity: z.number().int().optional(), position: z.number().int().optional() })
          .strict()
          .optional(),
      })
      .strict(),
  ])
  .optional();

/** Variables for a preview: the sample (optionally overridden), or a real backorder's data. */
const previewVariables = async (
  sample: z.infer<typeof sampleSchema>,
  base: string,
): Promise<NurtureVariables> => {
  const variables = sampleVariables(base);
  if (!sample) return variables;
  if ('backorderId' in sample) {
    const backorder = await getBackorder(sample.backorderId);
    if (!backorder)
      throw new ValidationError('No such backorder', [{ path: 'sample.backorderId', message: 'not found' }]);
    return {
      ...(await backorderVariables(backorder, `${base}/status?id=${backorder.id}&token=PREVIEW`)),
      unsubscribeUrl: `${base}/unsubscribe?token=PREVIEW`,
    };
  }
  return {
    shopper: { ...variables.shopper, ...sample.shopper },
    product: { ...variables.product, ...sample.product },
    backorder: { ...variables.backorder, ...sample.backorder },
    unsubscribeUrl: variables.unsubscribeUrl,
  };
};

const renderPreview = async (
  step: Pick<NurtureStep, 'subject' | 'html' | 'text'>,
  sample: unknown,
): Promise<RenderedEmail> => {
  const { base, settings } = await senderIdentity();
  const parsed = parseOrThrow(sampleSchema, sample, 'sample');
  const variables = await previewVariables(parsed, base);
  const withWhom =
    parsed && 'backorderId' in parsed ? `backorder ${parsed.backorderId}'s data` : 'the sample shopper';
  return renderOrRefuse(step, variables, settings.sender.postalAddress, '', withWhom);
};

export const draftSchema = z
  .object({
    subject: z.string().max(300),
    html: z.string().max(12_000),
    text: z.string().max(12_000).optional(),
    sample: z.unknown().optional(),
  })
  .strict();

/** Live preview of an unsaved draft: template errors come back as VALIDATION details with line and column. */
export const previewDraft = async (body: unknown): Promise<RenderedEmail> => {
  const draft = parseOrThrow(draftSchema, body, 'draft');
  const problems = templateProblems(draft, '');
  if (problems.length > 0) throw new ValidationError('The template has errors', problems);
  return renderPreview(draft, draft.sample);
};

/** Which version of a step (its language); absent: the step itself. */
const stepLocale = z.enum(SUPPORTED_LOCALES).optional();

export const stepRequest = z
  .object({ stepId: z.string().min(1).max(64), sample: z.unknown().optional(), locale: stepLocale })
  .strict();

const stepOf = (campaign: Campaign, stepId: string) => {
  const step = campaign.steps.find((s) => s.id === stepId);
  if (!step)
    throw new ValidationError('No such step', [
      { path: 'stepId', message: `campaign has no step ${stepId}` },
    ]);
  return step;
};

/**
 * A saved step, rendered with sample or real data. A step saved before a check existed (a tag that reads
 * files) or that breaks a limit with this backorder's data is a 400 naming the field, never a 500.
 */
export const previewSavedStep = async (rawId: string, body: unknown): Promise<RenderedEmail> => {
  const request = parseOrThrow(stepRequest, body ?? {}, 'preview');
  const campaign = await campaignById(rawId);
  const step = stepOf(campaign, request.stepId);
  const content = request.locale ? stepIn(step, request.locale) : step;
  const problems = templateProblems(content, '');
  if (problems.length > 0) throw new ValidationError('The step has template errors', problems);
  return renderPreview(content, request.sample);
};

export const testRequest = z
  .object({ stepId: z.string().min(1).max(64), to: emailAddress, locale: stepLocale })
  .strict();

export const sendTestEmail = async (rawId: string, body: unknown) => {
  const request = parseOrThrow(testRequest, body ?? {}, 'test email');
  const campaign = await campaignById(rawId);
  const index = campaign.steps.indexOf(stepOf(campaign, request.stepId));
  // The test renders the saved step with the sample shopper: one that cannot is refused now, not dropped later.
  await checkSteps([campaign.steps[index]], () => `steps.${index}.`);
  await enqueueEmail({
    kind: 'test',
    testId: randomUUID(),
    campaignId: campaign.id,
    stepId: request.stepId,
    to: request.to,
    ...(request.locale ? { locale: request.locale } : {}),
  });
  return { queued: true, to: request.to };
};
