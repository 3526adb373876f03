/**
 * Nurture queue consumer: campaign steps a batch at a time (read once, claimed and recorded together, as the
 * alerter sends restock alerts), through the nurture queue's own mailer and pace. Marketing bursts (a step
 * falling due for thousands of shoppers) wait here, never in front of a shopper's confirmation on the email
 * queue.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { nurtureMessage } from '../messages/nurture';
import { logger } from '../runtime/logger';
import { consumeBatch } from '../runtime/queue-consumer';
import { planNurtureBatch } from '../use-cases/plan-nurture';
import { sendPlannedBatch } from '../use-cases/queued-email';

export const sendNurtureSteps = consumeBatch({
  queue: 'nurture',
  schema: nurtureMessage,
  handleBatch: sendPlannedBatch('nurture', (messages) => planNurtureBatch(messages)),
});

export const handler = middy(sendNurtureSteps).use(injectLambdaContext(logger));
