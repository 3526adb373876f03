/**
 * One nurture step for one shopper, sent only while every promise still holds: the backorder waits, consent
 * is effective, the address is not suppressed, the campaign is active. Otherwise the sequence stops (or
 * pauses, for an inactive campaign) instead of sending. Each email carries fresh status and unsubscribe
 * links whose tokens only exist as hashes. A step whose template breaks the render limits with this
 * shopper's data is withheld (recorded with the reason) and the sequence moves on.
 */
import { currentStep, dueAt, stepAfter, stepIn } from '../domain/campaign';
import { renderNurtureStep } from '../emails/nurture';
import { TemplateRefused } from '../emails/render-limits';
import { getBackorder } from '../store/backorder-store';
import { getCampaign } from '../store/campaign-store';
import type { NurtureMessage } from '../messages/nurture';
import { advance, finish, stopEnrolments } from '../store/enrolment-store';
import { isSuppressed, issueUnsubscribeToken } from '../store/shopper-store';
import { EmailWithheld, type Delivery } from './deliver-email';
import { issueEmailLink } from './email-links';
import { stepVia } from './links';
import { backorderVariables } from './email-variables';
import { senderIdentity } from './sender-identity';
import { pickLocale } from '../../i18n/locales';

/**
 * A step that passed its trial render with the sample shopper may still break the limits with a real
 * shopper's data (a loop over their quantity or place in the queue), or was saved before a check existed.
 * Rendering it again would fail again: it is withheld and recorded, and the sequence moves on to the next
 * step (see afterSend), so one broken email never ends a shopper's sequence nor is retried forever.
 */
const withheldWhenRefused = (error: unknown): never => {
  if (error instanceof TemplateRefused)
    throw new EmailWithheld(`the ${error.part} template, with this shopper's data: ${error.reason}`);
  throw error;
};

export const planNurture = async (message: NurtureMessage, nowMs = Date.now()): Promise<Delivery | null> => {
  const [backorder, campaign] = await Promise.all([
    getBackorder(message.backorderId),
    getCampaign(message.campaignId),
  ]);
  if (!backorder || backorder.status !== 'waiting') {
    if (backorder) await stopEnrolments(backorder.id);
    return null;
  }
  if (!backorder.consentedAt || (await isSuppressed(backorder.emailKey))) {
    await finish(backorder.id, message.campaignId, 'stopped');
    return null;
  }
  if (!campaign || !campaign.active) {
    await finish(backorder.id, message.campaignId, campaign ? 'paused' : 'stopped');
    return null;
  }
  const current = currentStep(campaign, message.stepId, message.stepIndex);
  if (!current) {
    await advance(backorder.id, campaign.id, message.stepId, undefined);
    return null;
  }
  const { step, index } = current;
  const emailId = `nurture#${backorder.id}#${campaign.id}#${step.id}`;
  return {
    emailId,
    recipientKey: backorder.emailKey,
    backorderId: backorder.id,
    kind: 'nurture',
    describe: { campaignId: campaign.id, stepId: step.id },
    compose: async () => {
      const [{ base, settings, from, replyTo }, unsubscribeToken] = await Promise.all([
        senderIdentity(),
        issueUnsubscribeToken(backorder.id, nowMs),
      ]);
      // The status link says which step it came from, so the step's clicks are counted.
      const link = await issueEmailLink(base, backorder.id, stepVia(campaign.id, step.id));
      const email = await renderNurtureStep(
        stepIn(step, backorder.locale),
        {
          ...(await backorderVariables(backorder, link)),
          // The page opens in the shopper's language (it cannot read the backorder).
          unsubscribeUrl: `${base}/unsubscribe?token=${encodeURIComponent(unsubscribeToken)}&lang=${pickLocale([backorder.locale])}`,
        },
        settings.sender.postalAddress,
        backorder.locale,
      ).catch(withheldWhenRefused);
      const envelope = {
        from,
        replyTo,
        to: { name: backorder.name, address: backorder.email },
        emailId,
        // RFC 8058 one-click: mail clients POST here; the visible link in the footer opens the page.
        unsubscribeUrl: `${base}/api/unsubscribe?token=${encodeURIComponent(unsubscribeToken)}`,
      };
      return { envelope, email };
    },
    afterSend: async (sentAtMs) => {
      const next = stepAfter(campaign, step.id, index);
      await advance(
        backorder.id,
        campaign.id,
        message.stepId,
        next && { stepId: next.step.id, index: next.index, dueMs: dueAt(sentAtMs, next.step, sentAtMs) },
      );
    },
  };
};
