/**
 * Who an email comes from and where its links point: the site settings, loaded once per message.
 */
import { defaultSender } from '../runtime/config';
import type { SiteSettings } from '../domain/catalog';
import { defaultSiteSettings } from '../domain/site-defaults';
import { getSiteSettings } from '../store/catalog-store';
import { baseUrl } from './links';

export interface SenderIdentity {
  settings: SiteSettings;
  base: string;
  from: string;
  replyTo?: string;
}

export const senderIdentity = async (): Promise<SenderIdentity> => {
  const settings = (await getSiteSettings()) ?? defaultSiteSettings(defaultSender());
  return {
    settings,
    base: baseUrl(settings.publicBaseUrl),
    from: settings.sender.from,
    replyTo: settings.sender.replyTo,
  };
};

let recent: { loadedAtMs: number; identity: Promise<SenderIdentity> } | undefined;

/**
 * The sender identity, reloaded at most every `maxAgeMs` per instance: a burst of thousands of restock alerts
 * reads the settings a handful of times, and a change in the console shows within half a minute.
 */
export const recentSenderIdentity = (maxAgeMs = 30_000, nowMs = Date.now()): Promise<SenderIdentity> => {
  if (!recent || nowMs - recent.loadedAtMs > maxAgeMs) {
    const identity = senderIdentity();
    recent = { loadedAtMs: nowMs, identity };
    // A failed load is not kept: the next call tries again.
    identity.catch(() => {
      if (recent?.identity === identity) recent = undefined;
    });
  }
  return recent.identity;
};
