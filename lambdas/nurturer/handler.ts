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
import type { NurtureMessage } from '../messages/nurture';
import { loadOnce } from '../runtime/load-once';

const loadQueuedEmail = loadOnce(() => import('../use-cases/queued-email'));
const loadPlanNurture = loadOnce(() => import('../use-cases/plan-nurture'));

type SendBatch = (batch: { message: NurtureMessage }[]) => Promise<PromiseSettledResult<unknown>[]>;
let sending: Promise<SendBatch> | undefined;
/** The planner and the mailer, loaded with the first batch rather than with the function, and made once. */
const sendBatch = () =>
  (sending ??= Promise.all([loadQueuedEmail(), loadPlanNurture()]).then(
    ([{ sendPlannedBatch }, { planNurtureBatch }]) =>
      sendPlannedBatch('nurture', (messages: NurtureMessage[]) => planNurtureBatch(messages)),
  ));

export const sendNurtureSteps = consumeBatch({
  queue: 'nurture',
  schema: nurtureMessage,
  handleBatch: async (batch) => (await sendBatch())(batch),
});

export const handler = middy(sendNurtureSteps).use(injectLambdaContext(logger));
