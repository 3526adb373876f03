/**
 * Every email goes to SES with its own id as a message tag, which SES repeats in the Send event it publishes
 * once it has accepted the message. That event is how a send whose worker died before recording it is still
 * known to have happened (SES has no idempotency key to ask with), so the claim's lease never lets it go twice.
 *
 * SES tag values allow only letters, digits, "_", "-" and "."; ids carry ":" and "#", hence base64url.
 */
export const EMAIL_ID_TAG = 'backorder-email';

export const emailIdTag = (emailId: string): { Name: string; Value: string } => ({
  Name: EMAIL_ID_TAG,
  Value: Buffer.from(emailId, 'utf8').toString('base64url'),
});

/** The email id a tag value carries; undefined for a value this platform did not write. */
export const emailIdOfTag = (value: string | undefined): string | undefined => {
  if (!value || !/^[A-Za-z0-9_-]{1,256}$/.test(value)) return undefined;
  const emailId = Buffer.from(value, 'base64url').toString('utf8');
  return emailIdTag(emailId).Value === value ? emailId : undefined;
};
