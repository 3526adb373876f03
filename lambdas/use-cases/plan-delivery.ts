/**
 * Turns a queued email message into a delivery, or null when there is nothing (left) to send.
 */
import type { EmailMessage } from '../store/email-queue';
import type { Delivery } from './deliver-email';
import { planConfirmation } from './plan-confirmation';
import { planNurture } from './plan-nurture';
import { planStatusLink } from './plan-status-link';
import { planSupplierBatch } from './plan-supplier-batch';
import { planTestEmail } from './plan-test-email';

export const planDelivery = (message: EmailMessage): Promise<Delivery | null> => {
  switch (message.kind) {
    case 'confirmation':
      return planConfirmation(message);
    case 'nurture':
      return planNurture(message);
    case 'test':
      return planTestEmail(message);
    case 'supplierBatch':
      return planSupplierBatch(message);
    case 'statusLink':
      return planStatusLink(message);
  }
};
