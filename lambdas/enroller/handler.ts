/**
 * Enrolment queue consumer: each record is one page of a campaign's enrolment job. Re-running a page is
 * harmless (enrolments are conditional puts); failures are reported per record and retried.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from 'zod';
import { logger } from '../runtime/logger';
import { runEnrolmentJob } from '../use-cases/enrol-audience';

const enrolmentJob = z.object({
  campaignId: z.string().min(1).max(64),
  version: z.number().int().min(1),
  skuIndex: z.number().int().min(0),
  cursor: z.string().max(4096).optional(),
});

export const enrolPage = async (record: SQSRecord): Promise<void> => {
  const result = await runEnrolmentJob(enrolmentJob.parse(JSON.parse(record.body)));
  logger.debug('enrolment page done', { ...result });
};

export const enrolAudiences = async (event: SQSEvent, context?: Context): Promise<SQSBatchResponse> =>
  processPartialResponse(event, enrolPage, new BatchProcessor(EventType.SQS), {
    context: context as Context,
  });

export const handler = middy(enrolAudiences).use(injectLambdaContext(logger));
