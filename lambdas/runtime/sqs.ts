/**
 * The SQS client, once per Lambda instance, configured by the environment (AWS_ENDPOINT_URL_SQS locally).
 * Made on first use (lambdas/runtime/first-use.ts): many functions only queue on some paths, or on a failed
 * record's backoff, so loading one need not load the SQS package.
 */
import type * as SqsPackage from '@aws-sdk/client-sqs';
import { madeOnFirstUse } from './first-use';

/** The SDK package (its commands), required when a client or command is first made. */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a synchronous load on first use, see above
export const sqsPackage = (): typeof SqsPackage => require('@aws-sdk/client-sqs') as typeof SqsPackage;

export const sqs: SqsPackage.SQSClient = madeOnFirstUse(() => new (sqsPackage().SQSClient)({}));

/** SQS's limit of messages per SendMessageBatch. */
const BATCH = 10;

/**
 * Queues many messages, ten per request, up to `parallel` requests at once. Throws if any message was
 * refused, so the caller's own retry covers it (consumers are idempotent, so a resend is harmless).
 */
export const sendMessages = async (
  queueUrl: string,
  bodies: readonly string[],
  parallel = 4,
): Promise<void> => {
  const { SendMessageBatchCommand } = sqsPackage();
  const batches: string[][] = [];
  for (let i = 0; i < bodies.length; i += BATCH) batches.push(bodies.slice(i, i + BATCH));
  let next = 0;
  const worker = async () => {
    while (next < batches.length) {
      const batch = batches[next++];
      const { Failed = [] } = await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: batch.map((body, n) => ({ Id: String(n), MessageBody: body })),
        }),
      );
      if (Failed.length > 0) throw new Error(`SQS refused ${Failed.length} messages: ${Failed[0].Message}`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, batches.length) }, worker));
};
