/**
 * Builds the storefront embed (embed/*.ts, the i18n catalogues and the pages' API client) into one file,
 * web/embed.js: an ES module, minified, for browsers of ES2020 and later, nothing loaded at run time.
 *
 * The one way it is built, wherever it is needed: `npm install`/`npm ci` (the `prepare` script runs this
 * file), `npm start` (local/start.ts), the emulated tests' global setup, and the CDK app before the web
 * assets are published (lib/platform-app.ts). web/embed.js is generated, so git ignores it.
 *
 * The file is replaced atomically (a sibling temp file renamed over it), so a server reading it meanwhile
 * sees the old or the new build, never half of one; and it is left alone when nothing changed, so watchers
 * (`cdk watch`) see no change.
 */
import fs from 'node:fs';
import path from 'node:path';
import { buildSync } from 'esbuild';

const ROOT = path.join(__dirname, '..');
export const EMBED_ENTRY = path.join(ROOT, 'embed', 'backorder-form.ts');
export const EMBED_FILE = path.join(ROOT, 'web', 'embed.js');

export interface EmbedBuild {
  /** Where it was written (EMBED_FILE), or null when only built in memory. */
  file: string | null;
  code: Uint8Array;
}

export function buildEmbed({ write = true }: { write?: boolean } = {}): EmbedBuild {
  const { outputFiles } = buildSync({
    entryPoints: [EMBED_ENTRY],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    minify: true,
    charset: 'utf8',
    legalComments: 'none',
    write: false,
    outfile: EMBED_FILE,
    logLevel: 'silent',
  });
  const code = outputFiles[0].contents;
  if (!write) return { file: null, code };
  const unchanged = fs.existsSync(EMBED_FILE) && Buffer.from(code).equals(fs.readFileSync(EMBED_FILE));
  if (!unchanged) {
    const temporary = `${EMBED_FILE}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, code);
    fs.renameSync(temporary, EMBED_FILE);
  }
  return { file: EMBED_FILE, code };
}

if (require.main === module) {
  const { file, code } = buildEmbed();
  console.log(
    `storefront embed: ${path.relative(ROOT, file ?? '')} (${(code.length / 1024).toFixed(1)} KiB)`,
  );
}
