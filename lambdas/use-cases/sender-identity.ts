/**
 * Who an email comes from and where its links point: the site settings, loaded once per message.
 */
import { defaultSender } from '../shared/config';
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
