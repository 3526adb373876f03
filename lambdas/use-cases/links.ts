/**
 * Links shoppers follow from emails and pages. The settings' publicBaseUrl wins over the deployment's.
 */
import { publicBaseUrl } from '../shared/config';

export const baseUrl = (settingsBaseUrl?: string): string =>
  (settingsBaseUrl ?? publicBaseUrl()).replace(/\/+$/, '');

export const statusUrl = (base: string, backorderId: string, token: string): string =>
  `${base}/status?id=${encodeURIComponent(backorderId)}&token=${encodeURIComponent(token)}`;
