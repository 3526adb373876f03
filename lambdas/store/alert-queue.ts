/**
 * Queues restock alerts on the alert queue, one message per allocated backorder (the message:
 * lambdas/messages/alert.ts).
 */
import type { RestockAlertMessage } from '../messages/alert';
import { queueUrl } from '../runtime/config';
import { sendMessages } from '../runtime/sqs';

export const enqueueAlerts = (alerts: readonly RestockAlertMessage[]): Promise<void> =>
  sendMessages(
    queueUrl('alert'),
    alerts.map((alert) => JSON.stringify(alert)),
  );
