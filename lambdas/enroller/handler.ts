/**
 * Enrolment queue consumer: each record is one page of a campaign's enrolment job. Re-running a page is
 * harmless (enrolments are conditional puts); failures are reported per record and retried.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { enrolmentJob } from '../messages/enrolment';
import { logger } from '../runtime/logger';
import { consumeEach } from '../runtime/queue-consumer';
import { loadOnce } from '../runtime/load-once';

const loadEnrolAudience = loadOnce(() => import('../use-cases/enrol-audience'));

export const enrolAudiences = consumeEach({
  queue: 'enrolment',
  schema: enrolmentJob,
  // No backoff: a failed page, throttled or not, comes back after the queue's visibility timeout (six
  // minutes), so its five tries span half an hour before the dead-letter queue.
  isTransient: () => false,
  handle: async (job) => {
    // Loaded with the first job rather than with the function: it brings the stores and the AWS SDK.
    const { runEnrolmentJob } = await loadEnrolAudience();
    const result = await runEnrolmentJob(job);
    logger.debug('enrolment page done', { ...result });
  },
});

export const handler = middy(enrolAudiences).use(injectLambdaContext(logger));
