/**
 * The alert queue's messages: one restock alert per allocated backorder. Each carries what the email needs
 * (taken from the allocation's own write), so sending it costs no read; the raw status token exists only
 * here, its hash on the backorder.
 */
import { queueUrl } from '../runtime/config';
import { sendMessages } from '../runtime/sqs';

export interface RestockAlertMessage {
  kind: 'restock';
  backorderId: string;
  sku: string;
  productName: string;
  quantity: number;
  email: string;
  name?: string;
  statusToken: string;
  allocatedAt: string;
}

export const enqueueAlerts = (alerts: readonly RestockAlertMessage[]): Promise<void> =>
  sendMessages(
    queueUrl('alert'),
    alerts.map((alert) => JSON.stringify(alert)),
  );
