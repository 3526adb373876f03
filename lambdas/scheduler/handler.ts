/**
 * The scheduler: invoked every minute (EventBridge on AWS, SCHEDULER_TICK_SECONDS locally). Sweeps the due
 * nurture steps into the email queue. An error fails the invocation, and the next tick sweeps again from
 * the watermark, so nothing is skipped.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { logger } from '../shared/http';
import { sweepDueSteps } from '../use-cases/sweep-nurture';

export const runSchedule = async () => {
  const nurture = await sweepDueSteps(Date.now());
  if (nurture.queued > 0) logger.info('nurture steps queued', { ...nurture });
  return { nurture };
};

export const handler = middy(runSchedule).use(injectLambdaContext(logger));
