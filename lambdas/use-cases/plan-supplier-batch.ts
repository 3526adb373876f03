/**
 * A supplier's batch email: the batch row says what to send and to whom (a snapshot taken when the batch was
 * made), the CSV goes along as an attachment. Its id, `supplier-batch#<supplier>#<batch>`, is claimed in the
 * send ledger like every email, so a batch queued twice (the scheduler re-queues one whose email lingers) is
 * sent once. Once sent, the batch is marked so, also after a duplicate delivery.
 */
import { logger } from '../runtime/logger';
import { normalizeEmail } from '../domain/backorder';
import { batchFileName } from '../domain/supplier';
import { CSV_CONTENT_TYPE, supplierBatchCsv } from '../domain/supplier-csv';
import { renderSupplierBatch, supplierBatchEmailData } from '../emails/supplier-batch';
import type { EmailMessage } from '../messages/email';
import { getBatch, markBatchSent } from '../store/supplier-store';
import type { Delivery } from './deliver-email';
import { senderIdentity } from './sender-identity';

export const supplierBatchEmailId = (supplierId: string, batchId: string): string =>
  `supplier-batch#${supplierId}#${batchId}`;

export const planSupplierBatch = async (
  message: Extract<EmailMessage, { kind: 'supplierBatch' }>,
): Promise<Delivery | null> => {
  const batch = await getBatch(message.supplierId, message.batchId);
  if (!batch) {
    logger.warn('supplier batch does not exist; dropped', { ...message });
    return null;
  }
  const emailId = supplierBatchEmailId(batch.supplierId, batch.batchId);
  return {
    emailId,
    recipientKey: normalizeEmail(batch.sentTo),
    kind: 'supplierBatch',
    describe: { supplierId: batch.supplierId, batchId: batch.batchId },
    compose: async () => {
      const { settings, from, replyTo } = await senderIdentity();
      const fileName = batchFileName(batch);
      const email = await renderSupplierBatch(
        supplierBatchEmailData(batch, fileName, settings.sender.postalAddress),
      );
      return {
        envelope: {
          from,
          replyTo,
          to: { name: batch.supplierName, address: batch.sentTo },
          emailId,
          attachments: [
            { filename: fileName, content: supplierBatchCsv(batch.lines), contentType: CSV_CONTENT_TYPE },
          ],
        },
        email,
      };
    },
    afterSend: async (sentAtMs) => {
      await markBatchSent(batch.supplierId, batch.batchId, new Date(sentAtMs).toISOString());
    },
  };
};
