/**
 * The CORS headers of a public API answer, from the shop's `embed.allowedOrigins` (lambdas/domain/cors.ts
 * decides). The public function asks for every request, the local gateway's too, so the rule is the same
 * locally and on AWS. The list is read at most every 30 s per instance; a request without `Origin` (not from
 * a browser on another page) reads nothing.
 */
import { corsHeaders, type CorsQuestion } from '../domain/cors';
import { recent } from '../runtime/recent';
import { getSiteSettings } from '../store/catalog-store';

/** How long an instance trusts its copy of the list: a console change reaches every instance by then. */
const ORIGINS_CACHE_MS = 30_000;

const allowedOrigins = recent(
  async (): Promise<readonly string[]> => (await getSiteSettings())?.embed?.allowedOrigins ?? [],
  ORIGINS_CACHE_MS,
);

export const corsFor = async (
  question: Omit<CorsQuestion, 'allowedOrigins'>,
): Promise<Record<string, string>> =>
  corsHeaders({ ...question, allowedOrigins: question.origin ? await allowedOrigins.get() : [] });

/** Drops this instance's copy of the list (after this instance saved the settings). */
export const forgetAllowedOrigins = (): void => allowedOrigins.forget();
