/**
 * The health check: proves the function can reach its data (one read of the site settings), not just that
 * it is deployed.
 */
import { getSiteSettings } from '../store/catalog-store';

export const checkHealth = async (): Promise<{ ok: true }> => {
  await getSiteSettings();
  return { ok: true };
};
