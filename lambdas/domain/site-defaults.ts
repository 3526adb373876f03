/**
 * Settings a shop has before a marketer saves any (no zod here: the sender needs only this).
 */
import { SEGMENTS } from './backorder';
import type { SiteSettings } from './catalog';
import { DEFAULT_ASK_AFTER_DAYS } from './eta';

/**
 * What a shop that never saved settings gets: backorders open to everyone, and double opt-in, so marketing
 * consent ticked on a signup counts only once the shopper confirms it from their mailbox (a stranger who
 * types someone's address cannot opt them in).
 */
export const defaultSiteSettings = (defaultSender: string): SiteSettings => ({
  backorders: { enabled: true, segments: [...SEGMENTS] },
  doubleOptIn: true,
  sender: { from: defaultSender, postalAddress: 'Postal address not configured' },
  embed: { allowedOrigins: [] },
  etaSlip: { askAfterDays: DEFAULT_ASK_AFTER_DAYS },
});

/** Optional sections a PUT left out (or settings saved before they existed), as their defaults. */
export const withSectionDefaults = (settings: SiteSettings): SiteSettings => ({
  ...settings,
  embed: settings.embed ?? { allowedOrigins: [] },
  etaSlip: settings.etaSlip ?? { askAfterDays: DEFAULT_ASK_AFTER_DAYS },
});
