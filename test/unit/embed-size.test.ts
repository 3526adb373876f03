/**
 * The storefront embed stays small: shops put it on their product pages, where every kilobyte delays their
 * own content. Built as it ships (scripts/build-embed.ts, in memory), gzipped as CloudFront would send it.
 */
import { gzipSync } from 'node:zlib';
import { CATALOGUES } from '../../i18n/translate';
import { buildEmbed } from '../../scripts/build-embed';

const BUDGET_BYTES = 20 * 1024;

it('web/embed.js is at most 20 KiB gzipped, one self-contained module', () => {
  const { code } = buildEmbed({ write: false });
  const gzipped = gzipSync(code, { level: 9 }).length;
  console.log(
    `storefront embed: ${(code.length / 1024).toFixed(1)} KiB minified, ${(gzipped / 1024).toFixed(1)} KiB gzipped (budget ${BUDGET_BYTES / 1024} KiB)`,
  );
  expect(gzipped).toBeLessThanOrEqual(BUDGET_BYTES);
  const text = Buffer.from(code).toString('utf8');
  // Nothing fetched from elsewhere at run time: no imports left, and no address but those a translation
  // mentions (the API's is the script's own origin, read at run time).
  expect(text).not.toMatch(/\bimport\s*\(|\bimport\s*[{*\w][^;]*from\s*["']/);
  const mentioned = Object.values(CATALOGUES).flatMap((catalogue) => Object.values(catalogue).join(' '));
  const addresses = (from: string) => from.match(/https?:\/\/[^\s"'`<>]+/g) ?? [];
  const translated = new Set(mentioned.flatMap(addresses));
  expect(addresses(text).filter((address) => !translated.has(address))).toEqual([]);
});
