/**
 * The scheduler: invoked every minute (EventBridge on AWS, SCHEDULER_TICK_SECONDS locally). Sweeps the due
 * nurture steps into the email queue, and makes the supplier batches that fell due. An error fails the
 * invocation (after both jobs ran, so one failing never starves the other), and the next tick goes on from
 * the watermarks, so nothing is skipped.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { logger } from '../shared/http';
import { sweepDueSteps } from '../use-cases/sweep-nurture';
import { sendDueSupplierBatches } from '../use-cases/supplier-batches';

export const runSchedule = async () => {
  const now = Date.now();
  const [nurture, suppliers] = await Promise.allSettled([sweepDueSteps(now), sendDueSupplierBatches(now)]);
  if (nurture.status === 'fulfilled' && nurture.value.queued > 0)
    logger.info('nurture steps queued', { ...nurture.value });
  if (suppliers.status === 'fulfilled' && (suppliers.value.created > 0 || suppliers.value.requeued > 0))
    logger.info('supplier batches', { ...suppliers.value });
  for (const job of [nurture, suppliers]) if (job.status === 'rejected') throw job.reason;
  return {
    nurture: nurture.status === 'fulfilled' ? nurture.value : undefined,
    suppliers: suppliers.status === 'fulfilled' ? suppliers.value : undefined,
  };
};

export const handler = middy(runSchedule).use(injectLambdaContext(logger));
