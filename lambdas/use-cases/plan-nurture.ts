/**
 * Nurture steps for their shoppers, a batch at a time, each sent only while every promise still holds: the
 * backorder waits, consent is effective, the address is not suppressed, the campaign is active. Otherwise the
 * sequence stops (or pauses, for an inactive campaign) instead of sending. Each email carries fresh status and
 * unsubscribe links whose tokens only exist as hashes. A step whose template breaks the render limits with
 * this shopper's data is withheld (recorded with the reason) and the sequence moves on.
 *
 * The batch shares its work as the alerter's does: what it reads is read once (lambdas/store/nurture-reads.ts),
 * the links of the emails the ledger let through (status link hashes and unsubscribe token rows) are written
 * in one request when they are composed, and the sequences that moved on are saved together after the sends
 * (DataLoader gathers the calls each email makes in the same tick into one), so a nurture email costs little
 * more than its SES call.
 */
import DataLoader from 'dataloader';
import { currentStep, dueAt, stepAfter, stepIn } from '../domain/campaign';
import { renderNurtureStep } from '../emails/nurture';
import { TemplateRefused } from '../emails/render-limits';
import type { NurtureMessage } from '../messages/nurture';
import { advance, advanceEach, finish, stopEnrolments, type StepSent } from '../store/enrolment-store';
import { readNurtureFacts, type NurtureFacts } from '../store/nurture-reads';
import { EmailWithheld, type Delivery } from './deliver-email';
import { statusUrl, stepVia } from './links';
import { marketingTokenIssuer } from './email-links';
import { variablesOf } from './email-variables';
import { identityFrom, type SenderIdentity } from './sender-identity';
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

/** Saves the sequences that moved on in the same tick (after a batch's sends) in one request. */
const sequenceMover = () =>
  new DataLoader<StepSent, undefined>(
    async (steps) => {
      await advanceEach(steps);
      return steps.map(() => undefined);
    },
    { cache: false },
  );

interface BatchContext {
  facts: NurtureFacts;
  identity: SenderIdentity;
  links: ReturnType<typeof marketingTokenIssuer>;
  moves: ReturnType<typeof sequenceMover>;
}

/** One step for one shopper: its delivery, or null when the sequence stopped, paused or moved on instead. */
const planStep = async (message: NurtureMessage, batch: BatchContext): Promise<Delivery | null> => {
  const { facts, identity, links, moves } = batch;
  const backorder = facts.backorders.get(message.backorderId);
  const campaign = facts.campaigns.get(message.campaignId);
  if (!backorder || backorder.status !== 'waiting') {
    if (backorder) await stopEnrolments(backorder.id);
    return null;
  }
  if (!backorder.consentedAt || facts.suppressed.has(backorder.emailKey)) {
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
  const { base, settings, from, replyTo } = identity;
  return {
    emailId,
    recipientKey: backorder.emailKey,
    backorderId: backorder.id,
    kind: 'nurture',
    describe: { campaignId: campaign.id, stepId: step.id },
    compose: async () => {
      const tokens = await links.load(backorder.id);
      // The status link says which step it came from, so the step's clicks are counted.
      const link = statusUrl(base, backorder.id, tokens.status, stepVia(campaign.id, step.id));
      const unsubscribe = encodeURIComponent(tokens.unsubscribe);
      const email = await renderNurtureStep(
        stepIn(step, backorder.locale),
        {
          ...variablesOf(
            backorder,
            facts.products.get(backorder.sku),
            facts.places.get(backorder.id) ?? null,
            link,
          ),
          // The page opens in the shopper's language (it cannot read the backorder).
          unsubscribeUrl: `${base}/unsubscribe?token=${unsubscribe}&lang=${pickLocale([backorder.locale])}`,
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
        unsubscribeUrl: `${base}/api/unsubscribe?token=${unsubscribe}`,
      };
      return { envelope, email };
    },
    afterSend: async (sentAtMs) => {
      const next = stepAfter(campaign, step.id, index);
      await moves.load({
        backorderId: backorder.id,
        campaignId: campaign.id,
        sentStepId: message.stepId,
        next: next && {
          stepId: next.step.id,
          index: next.index,
          dueMs: dueAt(sentAtMs, next.step, sentAtMs),
        },
      });
    },
  };
};

/** A batch of nurture steps: each one's delivery (or null: nothing to send), or why it could not be planned. */
export const planNurtureBatch = async (
  messages: readonly NurtureMessage[],
  nowMs = Date.now(),
): Promise<PromiseSettledResult<Delivery | null>[]> => {
  const facts = await readNurtureFacts(messages);
  const batch: BatchContext = {
    facts,
    identity: identityFrom(facts.settings),
    links: marketingTokenIssuer(nowMs),
    moves: sequenceMover(),
  };
  return Promise.allSettled(messages.map((message) => planStep(message, batch)));
};

/** One step on its own (a batch of one). */
export const planNurture = async (message: NurtureMessage, nowMs = Date.now()): Promise<Delivery | null> => {
  const [planned] = await planNurtureBatch([message], nowMs);
  if (planned.status === 'rejected') throw planned.reason;
  return planned.value;
};
