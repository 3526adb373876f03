/**
 * What a scenario's work would use on AWS, counted while it runs: the handlers' requests per function and
 * command with the capacity, SQS chunks and SES messages they are billed by (requests-by-function.ts), each
 * function's invocations and their wall time (invocations.ts), and the local runner's event-source polling and
 * SES event publishing on its own SQS client (requests.ts). lib/cost.ts turns it into units and dollars.
 */
import type { FunctionName } from '../../lib/platform';
import { meterInvocations, type FunctionInvocations } from './invocations';
import { countOtherSqsClients, type SqsPollingCounts } from './requests';
import { countRequestsByFunction, type FunctionCounts } from './requests-by-function';
import type { BenchStack } from './stack';

export interface AwsUsage {
  /** Per function (`bench`: requests on the handlers' clients outside any invocation). */
  requests: Record<string, FunctionCounts>;
  invocations: Partial<Record<FunctionName, FunctionInvocations>>;
  /** The runner's own SQS requests: event-source polling, and the SES events it publishes to `feedback`. */
  polling: SqsPollingCounts;
  /** Counted time, pauses excluded. */
  seconds: number;
}

export interface AwsUsageMeter {
  /** Starts counting from zero. */
  start(): void;
  /** Stops counting for a while (the floor's turn): `resume()` goes on from the same counts. */
  pause(): void;
  resume(): void;
  stop(): AwsUsage;
  /** Takes the middleware and the SQS wrapper out; call it last, after every other SQS counter is restored. */
  remove(): void;
}

/**
 * Installs the counters on the handlers' own clients (loaded now, after startPlatform set the environment:
 * the module instances the in-process handlers use); the runner's SQS client is every other one but the
 * bench's own.
 */
export const meterAwsUsage = async (stack: BenchStack): Promise<AwsUsageMeter> => {
  const [{ dynamo }, { sqs }, { ses }] = await Promise.all([
    import('../../lambdas/runtime/dynamo'),
    import('../../lambdas/runtime/sqs'),
    import('../../lambdas/runtime/ses'),
  ]);
  const requests = countRequestsByFunction([dynamo, sqs, ses]);
  const invocations = meterInvocations();
  const polling = countOtherSqsClients([sqs, stack.clients.sqs], stack.prefix);
  let seconds = 0;
  let since: number | undefined;
  const clock = (on: boolean) => {
    if (on) since = performance.now();
    else if (since !== undefined) {
      seconds += (performance.now() - since) / 1000;
      since = undefined;
    }
  };
  return {
    start: () => {
      seconds = 0;
      requests.start();
      invocations.start();
      polling.start();
      clock(true);
    },
    pause: () => {
      requests.pause();
      invocations.pause();
      polling.pause();
      clock(false);
    },
    resume: () => {
      requests.resume();
      invocations.resume();
      polling.resume();
      clock(true);
    },
    stop: () => {
      clock(false);
      return { requests: requests.stop(), invocations: invocations.stop(), polling: polling.stop(), seconds };
    },
    remove: () => {
      requests.remove();
      invocations.remove();
      polling.restore();
    },
  };
};
