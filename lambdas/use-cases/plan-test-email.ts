/**
 * A marketer's test send of one campaign step, rendered with sample data and marked as a test.
 */
import { NotFoundError } from '../runtime/errors';
import { renderNurtureStep } from '../emails/nurture';
import { TemplateRefused } from '../emails/render-limits';
import { sampleVariables } from '../emails/variables';
import { getCampaign } from '../store/campaign-store';
import { stepIn } from '../domain/campaign';
import type { EmailMessage } from '../messages/email';
import { EmailWithheld, type Delivery } from './deliver-email';
import { senderIdentity } from './sender-identity';

export const planTestEmail = async (
  message: Extract<EmailMessage, { kind: 'test' }>,
): Promise<Delivery | null> => {
  const campaign = await getCampaign(message.campaignId);
  const step = campaign?.steps.find((s) => s.id === message.stepId);
  if (!campaign || !step)
    throw new NotFoundError(`Step ${message.stepId} of campaign ${message.campaignId} is gone`);
  const emailId = `test#${message.testId}`;
  return {
    emailId,
    recipientKey: message.to.trim().toLowerCase(),
    kind: 'test',
    describe: { campaignId: campaign.id, stepId: step.id },
    compose: async () => {
      const { base, settings, from, replyTo } = await senderIdentity();
      // Checked when the test was asked for; a step edited since, or a render slower this time, is withheld.
      const email = await renderNurtureStep(
        message.locale ? stepIn(step, message.locale) : step,
        sampleVariables(base),
        settings.sender.postalAddress,
      ).catch((error: unknown) => {
        if (error instanceof TemplateRefused)
          throw new EmailWithheld(`the ${error.part} template, with the sample shopper: ${error.reason}`);
        throw error;
      });
      return {
        envelope: {
          from,
          replyTo,
          to: { address: message.to },
          emailId,
          unsubscribeUrl: `${base}/api/unsubscribe?token=SAMPLE`,
        },
        email: { ...email, subject: `[Test] ${email.subject}` },
      };
    },
  };
};
