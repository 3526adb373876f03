/**
 * Nurture queue consumer: one campaign step per record, through the sender's mailer but paced to the nurture
 * queue's own share of the SES rate. Marketing bursts (a step falling due for thousands of shoppers) wait
 * here, never in front of a shopper's confirmation on the email queue.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import * as z from 'zod/mini';
import { logger } from '../runtime/logger';
import { emailQueueConsumer } from '../sender/email-consumer';
import { planNurture } from '../use-cases/plan-nurture';

const id = z.string().check(z.minLength(1), z.maxLength(200));

const nurtureMessage = z.object({
  kind: z.literal('nurture'),
  backorderId: id,
  campaignId: id,
  stepId: id,
  stepIndex: z.int().check(z.gte(0)),
});

const nurturer = emailQueueConsumer('nurture', (body) => nurtureMessage.parse(body), planNurture);

export const deliverStep = nurturer.deliverRecord;

export const sendNurtureSteps = nurturer.consume;

export const handler = middy(sendNurtureSteps).use(injectLambdaContext(logger));
