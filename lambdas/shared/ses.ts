/** The SES client, once per Lambda instance, configured by the environment (AWS_ENDPOINT_URL_SES locally). */
import { SESClient } from '@aws-sdk/client-ses';

export const ses = new SESClient({});
