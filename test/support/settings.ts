/**
 * Site settings a test needs. A new shop has double opt-in on (marketing consent counts once the shopper
 * confirms it by email); tests about what happens once consent is effective turn it off, as a shop may.
 */
import type { TestPlatform } from './platform';

export const useSingleOptIn = async (platform: TestPlatform): Promise<void> => {
  const current = await platform.admin('GET', '/api/admin/settings');
  const saved = await platform.admin('PUT', '/api/admin/settings', { ...current.body, doubleOptIn: false });
  if (saved.status !== 200)
    throw new Error(`settings not saved: ${saved.status} ${JSON.stringify(saved.body)}`);
};
