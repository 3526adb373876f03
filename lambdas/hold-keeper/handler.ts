/**
 * Hold queue consumer: a hold's reminder or expiry (lambdas/use-cases/keep-holds.ts), a batch at a time so
 * the expiries of one product ask for one allocation; each message succeeds or fails on its own.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { holdMessage } from '../messages/hold';
import { logger } from '../runtime/logger';
import { consumeBatch } from '../runtime/queue-consumer';
import { loadOnce } from '../runtime/load-once';

const loadKeepHolds = loadOnce(() => import('../use-cases/keep-holds'));

export const keepDueHolds = consumeBatch({
  queue: 'hold',
  schema: holdMessage,
  // Loaded with the first batch rather than with the function: it brings the stores and the AWS SDK.
  handleBatch: async (batch) => (await loadKeepHolds()).keepHolds(batch.map(({ message }) => message)),
});

export const handler = middy(keepDueHolds).use(injectLambdaContext(logger));
