/**
 * Nurture queue consumer: one campaign step per record, through the same mailer as the sender but paced to
 * the nurture queue's own share of the SES rate. Marketing bursts (a step falling due for thousands of
 * shoppers) wait here, never in front of a shopper's confirmation on the email queue.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { nurtureMessage } from '../messages/nurture';
import { logger } from '../runtime/logger';
import { consumeEach } from '../runtime/queue-consumer';
import { planNurture } from '../use-cases/plan-nurture';
import { sendPlannedEmail } from '../use-cases/queued-email';

export const sendNurtureSteps = consumeEach({
  queue: 'nurture',
  schema: nurtureMessage,
  handle: sendPlannedEmail('nurture', (message) => planNurture(message)),
});

export const handler = middy(sendNurtureSteps).use(injectLambdaContext(logger));
