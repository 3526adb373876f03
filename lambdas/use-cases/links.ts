/**
 * Links shoppers follow from emails and pages. The settings' publicBaseUrl wins over the deployment's.
 */
import { publicBaseUrl } from '../runtime/config';

export const baseUrl = (settingsBaseUrl?: string): string =>
  (settingsBaseUrl ?? publicBaseUrl()).replace(/\/+$/, '');

/**
 * The status page of a backorder; `via` names the nurture step whose email carries the link. The token travels in the fragment, which browsers never send: it stays out
 * of CDN and server request logs, and the page hands it to the API in the Authorization header.
 */
export const statusUrl = (base: string, backorderId: string, token: string, via?: string): string =>
  `${base}/status?id=${encodeURIComponent(backorderId)}${via ? `&via=${encodeURIComponent(via)}` : ''}` +
  `#token=${encodeURIComponent(token)}`;

/** Which nurture step's email a status link is in (`<campaign>~<step>`): its clicks count for that step. */
export const stepVia = (campaignId: string, stepId: string): string => `${campaignId}~${stepId}`;

/**
 * "Complete your order": records the click and redirects to the shop's checkout (GET /r/{id}). The token is
 * in the query, as the contract has it: a redirect must authenticate without the page's script.
 */
export const claimUrl = (base: string, backorderId: string, token: string): string =>
  `${base}/r/${encodeURIComponent(backorderId)}?token=${encodeURIComponent(token)}`;

/** A product's landing page, where a shopper whose hold expired can join the list again. */
export const productPageUrl = (base: string, sku: string): string => `${base}/p/${encodeURIComponent(sku)}`;

/**
 * The status page with the answer an expected-date update asks for: `keep` is recorded by the page in one
 * click (it is harmless); `cancel` opens the cancel confirmation, never cancels by itself (a mail scanner
 * following links must not cancel anything).
 */
export const choiceUrl = (
  base: string,
  backorderId: string,
  token: string,
  choice: 'keep' | 'cancel',
): string =>
  `${base}/status?id=${encodeURIComponent(backorderId)}&choice=${choice}#token=${encodeURIComponent(token)}`;
