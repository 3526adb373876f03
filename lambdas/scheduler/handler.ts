/**
 * The scheduler: invoked every minute (EventBridge on AWS, SCHEDULER_TICK_SECONDS locally). Sweeps the due
 * nurture steps into the email queue and the holds that fell due into the hold queue, tells waiting shoppers
 * of expected dates that moved, makes the supplier batches that fell due, and publishes outbox rows
 * whose writer died before publishing them. An error fails the invocation (after every job ran, so one
 * failing never starves the others), and the next tick goes on from the watermarks, so nothing is skipped.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { logger } from '../runtime/logger';
import { loadOnce } from '../runtime/load-once';

const loadSweepNurture = loadOnce(() => import('../use-cases/sweep-nurture'));
const loadSweepHolds = loadOnce(() => import('../use-cases/sweep-holds'));
const loadEtaUpdates = loadOnce(() => import('../use-cases/eta-updates'));
const loadSupplierBatches = loadOnce(() => import('../use-cases/supplier-batches'));
const loadOutbox = loadOnce(() => import('../use-cases/outbox'));

export const runSchedule = async () => {
  const now = Date.now();
  // Each sweep is loaded with the first tick rather than with the function (they bring the stores and the
  // AWS SDK); one that cannot load fails alone, as one that fails does.
  const [nurture, holds, etas, suppliers, outbox] = await Promise.allSettled([
    loadSweepNurture().then(({ sweepDueSteps, DUE_INDEX_SETTLE_MS }) =>
      sweepDueSteps(now - DUE_INDEX_SETTLE_MS),
    ),
    loadSweepHolds().then(({ sweepDueHolds }) => sweepDueHolds(now)),
    loadEtaUpdates().then(({ sweepEtaChanges }) => sweepEtaChanges(now)),
    loadSupplierBatches().then(({ sendDueSupplierBatches }) => sendDueSupplierBatches(now)),
    loadOutbox().then(({ sweepOutbox }) => sweepOutbox(now)),
  ]);
  if (nurture.status === 'fulfilled' && nurture.value.queued > 0)
    logger.info('nurture steps queued', { ...nurture.value });
  if (holds.status === 'fulfilled' && holds.value.queued > 0) logger.info('holds queued', { ...holds.value });
  if (etas.status === 'fulfilled' && etas.value.queued > 0)
    logger.info('expected-date updates queued', { ...etas.value });
  if (suppliers.status === 'fulfilled' && (suppliers.value.created > 0 || suppliers.value.requeued > 0))
    logger.info('supplier batches', { ...suppliers.value });
  if (outbox.status === 'fulfilled' && outbox.value.published + outbox.value.failed > 0)
    logger.warn('outbox rows published by the scheduler', { ...outbox.value });
  for (const job of [nurture, holds, etas, suppliers, outbox])
    if (job.status === 'rejected') throw job.reason;
  return {
    nurture: nurture.status === 'fulfilled' ? nurture.value : undefined,
    holds: holds.status === 'fulfilled' ? holds.value : undefined,
    etas: etas.status === 'fulfilled' ? etas.value : undefined,
    suppliers: suppliers.status === 'fulfilled' ? suppliers.value : undefined,
    outbox: outbox.status === 'fulfilled' ? outbox.value : undefined,
  };
};

export const handler = middy(runSchedule).use(injectLambdaContext(logger));
