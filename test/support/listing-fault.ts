/**
 * DynamoDB failing in the middle of reading a listing, for the tests of what a streamed export does then:
 * every read of the handlers' own client that continues a shard of a backorder listing past `queueKey` fails,
 * so the oldest rows (read from each shard's start) come through and a later page cannot be read. The
 * handlers run in the test's process, so this is their client; `remove()` ends the fault.
 */
import { dynamo } from '../../lambdas/runtime/dynamo';

const NAME = 'listingReadFault';

export const failListingReadsPast = (queueKey: string): { remove: () => void } => {
  dynamo.middlewareStack.add(
    (next, context) => async (args) => {
      const start = (args.input as { ExclusiveStartKey?: Record<string, unknown> }).ExclusiveStartKey
        ?.queueKey as string | { S?: string } | undefined;
      // The document client's key, or the same marshalled, whichever this step sees.
      const key = typeof start === 'string' ? start : start?.S;
      if (context.commandName === 'QueryCommand' && key !== undefined && key > queueKey)
        throw Object.assign(new Error('Injected: DynamoDB failed mid-export'), {
          name: 'InternalServerError',
        });
      return next(args);
    },
    { step: 'initialize', name: NAME },
  );
  return { remove: () => dynamo.middlewareStack.remove(NAME) };
};
