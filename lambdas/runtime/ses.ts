/**
 * The SES client, once per Lambda instance, configured by the environment (AWS_ENDPOINT_URL_SES locally);
 * made on first use (lambdas/runtime/first-use.ts).
 *
 * One attempt per send: SES has no idempotency key, so the SDK retrying a send whose answer was lost would
 * send the email twice. Every retry goes through the send ledger's claim instead (use-cases/deliver-email.ts).
 */
import type * as SesPackage from '@aws-sdk/client-ses';
import { madeOnFirstUse } from './first-use';

export const ses: SesPackage.SESClient = madeOnFirstUse(() => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, see above
  const { SESClient } = require('@aws-sdk/client-ses') as typeof SesPackage;
  return new SESClient({ maxAttempts: 1 });
});
