/**
 * Who an email comes from and where its links point: the site settings, loaded once per message.
 */
import { defaultSender } from '../runtime/config';
import type { SiteSettings } from '../domain/catalog';
import { defaultSiteSettings } from '../domain/site-defaults';
import { getSiteSettings } from '../store/catalog-store';
import { baseUrl } from './links';
import { recent } from '../runtime/recent';

export interface SenderIdentity {
  settings: SiteSettings;
  base: string;
  from: string;
  replyTo?: string;
}

/** The identity the site settings give (the defaults while the shop has saved none). */
export const identityFrom = (saved: SiteSettings | undefined): SenderIdentity => {
  const settings = saved ?? defaultSiteSettings(defaultSender());
  return {
    settings,
    base: baseUrl(settings.publicBaseUrl),
    from: settings.sender.from,
    replyTo: settings.sender.replyTo,
  };
};

export const senderIdentity = async (): Promise<SenderIdentity> => identityFrom(await getSiteSettings());

const recentIdentity = recent(senderIdentity, 30_000);

/**
 * The sender identity, reloaded at most every 30 s per instance: a burst of thousands of restock alerts reads
 * the settings a handful of times, and a change in the console shows within half a minute.
 */
export const recentSenderIdentity = (): Promise<SenderIdentity> => recentIdentity.get();
