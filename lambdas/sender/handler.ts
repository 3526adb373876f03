/**
 * Email queue consumer. Each record is one email; failures are reported per record (partial batch response)
 * so one bad message never re-sends the others, and poison messages end in the dead-letter queue.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { z } from 'zod';
import { emailSendRatePerSecond } from '../shared/config';
import { logger } from '../shared/http';
import { SendPacer } from '../shared/send-pacer';
import { createMailer, planDelivery } from '../use-cases/deliver-email';

const emailMessage = z.object({
  kind: z.literal('confirmation'),
  backorderId: z.string().min(1),
  statusToken: z.string().min(1),
});

const processor = new BatchProcessor(EventType.SQS);
let mailer: ReturnType<typeof createMailer> | undefined;

export const deliverRecord = async (record: SQSRecord): Promise<void> => {
  mailer ??= createMailer(new SendPacer(emailSendRatePerSecond()));
  const message = emailMessage.parse(JSON.parse(record.body));
  const delivery = await planDelivery(message);
  if (!delivery) return;
  const outcome = await mailer.send(delivery);
  logger.info('email processed', { emailId: delivery.emailId, outcome });
};

export const sendEmails = async (event: SQSEvent, context?: Context): Promise<SQSBatchResponse> =>
  processPartialResponse(event, deliverRecord, processor, { context: context as Context });

export const handler = middy(sendEmails).use(injectLambdaContext(logger));
