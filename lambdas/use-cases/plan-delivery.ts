/**
 * Turns a queued transactional email message into a delivery, or null when there is nothing (left) to send.
 * (Nurture steps have their own queue and consumer: see lambdas/nurturer.)
 */
import type { EmailMessage } from '../messages/email';
import type { Delivery } from './deliver-email';
import { planConfirmation } from './plan-confirmation';
import { planMyLinks } from './plan-my-links';
import { planStatusLink } from './plan-status-link';
import { planSupplierBatch } from './plan-supplier-batch';
import { planTestEmail } from './plan-test-email';
import { planHoldExpired, planHoldReminder } from './plan-hold-emails';
import { planEtaUpdate } from './plan-eta-update';

export const planDelivery = (message: EmailMessage): Promise<Delivery | null> => {
  switch (message.kind) {
    case 'confirmation':
      return planConfirmation(message);
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
