/**
 * Enrolment jobs: when a campaign becomes active (or its audience changes), shoppers already waiting are
 * enrolled page by page, each page one message on the enrolment queue carrying where to continue.
 */
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { sqs } from '../runtime/sqs';
import { queueUrl } from '../runtime/config';

export interface EnrolmentJob {
  campaignId: string;
  /** The campaign version the job was started for; a later save supersedes it. */
  version: number;
  /** Index into the audience's SKU list (when it lists SKUs). */
  skuIndex: number;
  /** Opaque continuation within the current SKU (or across all backorders). */
  cursor?: string;
}

export const enqueueEnrolmentJob = async (job: EnrolmentJob): Promise<void> => {
  await sqs.send(
    new SendMessageCommand({ QueueUrl: queueUrl('enrolment'), MessageBody: JSON.stringify(job) }),
  );
};
