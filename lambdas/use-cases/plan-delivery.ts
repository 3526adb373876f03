/**
 * Turns queued transactional email messages into deliveries, or null when there is nothing (left) to send.
 * A batch's confirmations are planned together (they read what they need once); every other kind on its
 * own. (Nurture steps have their own queue and consumer: see lambdas/nurturer.)
 */
import type { EmailMessage } from '../messages/email';
import type { Delivery } from './deliver-email';
import { planConfirmations } from './plan-confirmation';
import { planMyLinks } from './plan-my-links';
import { planStatusLink } from './plan-status-link';
import { planSupplierBatch } from './plan-supplier-batch';
import { planTestEmail } from './plan-test-email';
import { planHoldExpired, planHoldReminder } from './plan-hold-emails';
import { planEtaUpdate } from './plan-eta-update';

type Confirmation = Extract<EmailMessage, { kind: 'confirmation' }>;

const planOther = (message: Exclude<EmailMessage, Confirmation>): Promise<Delivery | null> => {
  switch (message.kind) {
    case 'test':
      return planTestEmail(message);
    case 'supplierBatch':
      return planSupplierBatch(message);
    case 'statusLink':
      return planStatusLink(message);
    case 'links':
      return planMyLinks(message);
    case 'holdReminder':
      return planHoldReminder(message);
    case 'holdExpired':
      return planHoldExpired(message);
    case 'etaUpdate':
      return planEtaUpdate(message);
  }
};

/** A batch's messages: each one's delivery (or null), or why it could not be planned, in order. */
export const planDeliveries = async (
  messages: readonly EmailMessage[],
): Promise<PromiseSettledResult<Delivery | null>[]> => {
  const isConfirmation = (m: EmailMessage): m is Confirmation => m.kind === 'confirmation';
  const [confirmations, others] = await Promise.all([
    planConfirmations(messages.filter(isConfirmation)),
    Promise.allSettled(
      messages
        .filter((m) => !isConfirmation(m))
        .map((m) => planOther(m as Exclude<EmailMessage, Confirmation>)),
    ),
  ]);
  let c = 0;
  let o = 0;
  return messages.map((m) => (isConfirmation(m) ? confirmations[c++] : others[o++]));
};
