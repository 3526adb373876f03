/**
 * Queues an import's chunks on the import queue, one message each (lambdas/messages/import.ts): published
 * from the import's outbox row, by the request or, if it died first, by the scheduler.
 */
import type { ImportChunkMessage } from '../messages/import';
import { queueUrl } from '../runtime/config';
import { sendMessages } from '../runtime/sqs';

export const enqueueImportChunks = (importId: string, chunks: number): Promise<void> =>
  sendMessages(
    queueUrl('import'),
    Array.from({ length: chunks }, (_, chunk) =>
      JSON.stringify({ importId, chunk } satisfies ImportChunkMessage),
    ),
  );
