/**
 * One nurture step for one shopper, sent only while every promise still holds: the backorder waits, consent
 * is effective, the address is not suppressed, the campaign is active. Otherwise the sequence stops (or
 * pauses, for an inactive campaign) instead of sending. Each email carries fresh status and unsubscribe
 * links whose tokens only exist as hashes.
 */
import { hashToken, newToken } from '../shared/tokens';
import { currentStep, dueAt, stepAfter } from '../domain/campaign';
import { renderNurtureStep } from '../emails/nurture';
import { addStatusToken, getBackorder } from '../store/backorder-store';
import { getCampaign } from '../store/campaign-store';
import type { NurtureMessage } from '../store/email-queue';
import { advance, finish, stopEnrolments } from '../store/enrolment-store';
import { isSuppressed, issueUnsubscribeToken } from '../store/shopper-store';
import type { Delivery } from './deliver-email';
import { statusUrl } from './links';
import { backorderVariables } from './email-variables';
import { senderIdentity } from './sender-identity';

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
      const statusToken = newToken();
      await addStatusToken(backorder.id, hashToken(statusToken));
      const email = await renderNurtureStep(
        step,
        {
          ...(await backorderVariables(backorder, statusUrl(base, backorder.id, statusToken), 'snapshot')),
          unsubscribeUrl: `${base}/unsubscribe?token=${encodeURIComponent(unsubscribeToken)}`,
        },
        settings.sender.postalAddress,
      );
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
