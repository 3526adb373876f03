/**
 * The SES client, once per Lambda instance, configured by the environment (AWS_ENDPOINT_URL_SES locally).
 *
 * One attempt per send: SES has no idempotency key, so the SDK retrying a send whose answer was lost would
 * send the email twice. Every retry goes through the send ledger's claim instead (use-cases/deliver-email.ts).
 */
import { SESClient } from '@aws-sdk/client-ses';

export const ses = new SESClient({ maxAttempts: 1 });
