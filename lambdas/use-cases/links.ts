/**
 * Links shoppers follow from emails and pages. The settings' publicBaseUrl wins over the deployment's.
 */
import { publicBaseUrl } from '../runtime/config';

export const baseUrl = (settingsBaseUrl?: string): string =>
  (settingsBaseUrl ?? publicBaseUrl()).replace(/\/+$/, '');

/**
 * The status page of a backorder. The token travels in the fragment, which browsers never send: it stays out
 * of CDN and server request logs, and the page hands it to the API in the Authorization header.
 */
export const statusUrl = (base: string, backorderId: string, token: string): string =>
  `${base}/status?id=${encodeURIComponent(backorderId)}#token=${encodeURIComponent(token)}`;
