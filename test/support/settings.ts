/**
 * Site settings a test needs. A new shop has double opt-in on (marketing consent counts once the shopper
 * confirms it by email); tests about what happens once consent is effective turn it off, as a shop may.
 */
import type { TestPlatform } from './platform';

/** Saves the current settings with `change` over them (PUT replaces the whole document). */
const changeSettings = async (platform: TestPlatform, change: Record<string, unknown>): Promise<void> => {
  const current = await platform.admin('GET', '/api/admin/settings');
  const saved = await platform.admin('PUT', '/api/admin/settings', { ...current.body, ...change });
  if (saved.status !== 200)
    throw new Error(`settings not saved: ${saved.status} ${JSON.stringify(saved.body)}`);
};

export const useSingleOptIn = (platform: TestPlatform): Promise<void> =>
  changeSettings(platform, { doubleOptIn: false });

/**
 * Lets pages on these origins call the API (settings `embed.allowedOrigins`, the storefront embed). Set it
 * before the first public call: each instance of the public function reads the list at most every 30 s.
 */
export const allowEmbedOrigins = (platform: TestPlatform, origins: string[]): Promise<void> =>
  changeSettings(platform, { embed: { allowedOrigins: origins } });
