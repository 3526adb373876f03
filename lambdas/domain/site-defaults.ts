/**
 * Settings a shop has before a marketer saves any (no zod here: the sender needs only this).
 */
import { SEGMENTS } from './backorder';
import type { SiteSettings } from './catalog';

/** What a shop that never saved settings gets: backorders open to everyone, single opt-in. */
export const defaultSiteSettings = (defaultSender: string): SiteSettings => ({
  backorders: { enabled: true, segments: [...SEGMENTS] },
  doubleOptIn: false,
  sender: { from: defaultSender, postalAddress: 'Postal address not configured' },
});
