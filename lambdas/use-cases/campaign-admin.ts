/**
 * What marketers do with campaigns: save (refusing broken templates with line and column), preview with
 * sample or real data, send a test, and delete. Activating a campaign starts an enrolment job for the
 * shoppers already waiting.
 */
import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import { NotFoundError, ValidationError, type ErrorDetail } from '../shared/errors';
import type { Campaign, NurtureStep } from '../domain/campaign';
import { campaignIdSchema, campaignSchema } from '../domain/campaign-schema';
import { emailAddress } from '../domain/backorder-schema';
import { parseOrThrow } from '../domain/validation';
import { renderNurtureStep } from '../emails/nurture';
import type { RenderedEmail } from '../emails/templating';
import { checkTemplate, sampleVariables, type NurtureVariables } from '../emails/variables';
import { getBackorder } from '../store/backorder-store';
import { deleteCampaign, getCampaign, saveCampaign } from '../store/campaign-store';
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

export const saveCampaignFromConsole = async (rawId: string, body: unknown) => {
  const id = parseOrThrow(campaignIdSchema, rawId, 'campaign id');
  const input = parseOrThrow(campaignSchema, body, 'campaign');
  const problems = input.steps.flatMap((step, i) => templateProblems(step, `steps.${i}.`));
  if (problems.length > 0) throw new ValidationError('A template has errors', problems);
  const { campaign, previous } = await saveCampaign(id, input);
  const audienceChanged =
    JSON.stringify(previous?.audience ?? {}) !== JSON.stringify(campaign.audience ?? {});
  if (campaign.active && (!previous?.active || audienceChanged)) {
    await enqueueEnrolmentJob({ campaignId: id, version: campaign.version, skuIndex: 0 });
  }
  return { campaign, created: !previous };
};

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
const sampleSchema = z
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
  const variables = await previewVariables(parseOrThrow(sampleSchema, sample, 'sample'), base);
  return renderNurtureStep(step, variables, settings.sender.postalAddress);
};

const draftSchema = z
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

const stepRequest = z.object({ stepId: z.string().min(1).max(64), sample: z.unknown().optional() }).strict();

const stepOf = (campaign: Campaign, stepId: string) => {
  const step = campaign.steps.find((s) => s.id === stepId);
  if (!step)
    throw new ValidationError('No such step', [
      { path: 'stepId', message: `campaign has no step ${stepId}` },
    ]);
  return step;
};

export const previewSavedStep = async (rawId: string, body: unknown): Promise<RenderedEmail> => {
  const request = parseOrThrow(stepRequest, body ?? {}, 'preview');
  const campaign = await campaignById(rawId);
  return renderPreview(stepOf(campaign, request.stepId), request.sample);
};

const testRequest = z.object({ stepId: z.string().min(1).max(64), to: emailAddress }).strict();

export const sendTestEmail = async (rawId: string, body: unknown) => {
  const request = parseOrThrow(testRequest, body ?? {}, 'test email');
  const campaign = await campaignById(rawId);
  stepOf(campaign, request.stepId);
  await enqueueEmail({
    kind: 'test',
    testId: randomUUID(),
    campaignId: campaign.id,
    stepId: request.stepId,
    to: request.to,
  });
  return { queued: true, to: request.to };
};
