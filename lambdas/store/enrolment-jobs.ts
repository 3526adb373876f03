/**
 * Enrolment jobs: when a campaign becomes active (or its audience changes), shoppers already waiting are
 * enrolled page by page, each page one message on the enrolment queue carrying where to continue (the
 * message: lambdas/messages/enrolment.ts).
 */
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { EnrolmentJob } from '../messages/enrolment';
import { sqs } from '../runtime/sqs';
import { queueUrl } from '../runtime/config';

export const enqueueEnrolmentJob = async (job: EnrolmentJob): Promise<void> => {
  await sqs.send(
    new SendMessageCommand({ QueueUrl: queueUrl('enrolment'), MessageBody: JSON.stringify(job) }),
  );
};
