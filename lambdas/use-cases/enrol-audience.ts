/**
 * Runs one page of an enrolment job: enrols the waiting, consenting shoppers of a campaign's audience who
 * signed up before it was saved active (those after are enrolled as their confirmation goes out), then queues
 * the next page. A job for an outdated campaign version stops.
 */
import { audienceMatches, signedUpBeforeSave } from '../domain/campaign';
import { waitingConsentingPage } from '../store/backorder-listings';
import { getCampaign } from '../store/campaign-store';
import type { EnrolmentJob } from '../messages/enrolment';
import { enqueueEnrolmentJob } from '../store/enrolment-jobs';
import { enrolInCampaign } from './nurture-enrolment';

const PARALLEL_ENROLMENTS = 16;

export const runEnrolmentJob = async (job: EnrolmentJob, nowMs: number = Date.now()) => {
  const campaign = await getCampaign(job.campaignId);
  if (!campaign || !campaign.active || campaign.version !== job.version) return { enrolled: 0, done: true };
  const skus = campaign.audience?.skus ?? [];
  const sku = skus.length > 0 ? skus[job.skuIndex] : undefined;
  if (skus.length > 0 && sku === undefined) return { enrolled: 0, done: true };

  const page = await waitingConsentingPage(sku, job.cursor);
  const eligible = page.items.filter(
    (b) => audienceMatches(campaign, b.sku, b.segment) && signedUpBeforeSave(campaign, b),
  );
  let enrolled = 0;
  for (let i = 0; i < eligible.length; i += PARALLEL_ENROLMENTS) {
    const results = await Promise.all(
      eligible.slice(i, i + PARALLEL_ENROLMENTS).map((b) => enrolInCampaign(b, campaign, nowMs)),
    );
    enrolled += results.filter(Boolean).length;
  }

  const next: EnrolmentJob | undefined = page.cursor
    ? { ...job, cursor: page.cursor }
    : skus.length > 0 && job.skuIndex + 1 < skus.length
      ? { campaignId: job.campaignId, version: job.version, skuIndex: job.skuIndex + 1 }
      : undefined;
  if (next) await enqueueEnrolmentJob(next);
  return { enrolled, done: !next };
};
