/**
 * Builds the storefront embed (embed/*.ts, the i18n catalogues and the pages' API client) into one file,
 * web/embed.js: an ES module, minified, for browsers of ES2020 and later, nothing loaded at run time.
 * The same build bundles the shopper pages' translator (i18n/page-translate.ts: the catalogues and the
 * translator) into web/assets/translate.js, which the pages' plain modules import: the pages and the embed
 * speak from the same catalogues, and neither is built another way.
 *
 * The one way it is built, wherever it is needed: `npm install`/`npm ci` (the `prepare` script runs this
 * file), `npm start` (local/start.ts), the emulated tests' global setup, and the CDK app before the web
 * assets are published (lib/platform-app.ts). Both files are generated, so git ignores them.
 *
 * Each file is replaced atomically (a sibling temp file renamed over it), so a server reading it meanwhile
 * sees the old or the new build, never half of one; and it is left alone when nothing changed, so watchers
 * (`cdk watch`) see no change.
 */
import fs from 'node:fs';
import path from 'node:path';
import { buildSync } from 'esbuild';

const ROOT = path.join(__dirname, '..');
export const EMBED_ENTRY = path.join(ROOT, 'embed', 'backorder-form.ts');
export const EMBED_FILE = path.join(ROOT, 'web', 'embed.js');
export const PAGES_ENTRY = path.join(ROOT, 'i18n', 'page-translate.ts');
export const PAGES_FILE = path.join(ROOT, 'web', 'assets', 'translate.js');

export interface EmbedBuild {
  /** Where it was written (EMBED_FILE), or null when only built in memory. */
  file: string | null;
  /** The embed's code. */
  code: Uint8Array;
  /** The pages' translator (PAGES_FILE). */
  pages: Uint8Array;
}

/** Replaces `file` atomically (a sibling temp file renamed over it), and only when its content changed. */
function writeIfChanged(file: string, code: Uint8Array): void {
  if (fs.existsSync(file) && Buffer.from(code).equals(fs.readFileSync(file))) return;
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, code);
  fs.renameSync(temporary, file);
}

export function buildEmbed({ write = true }: { write?: boolean } = {}): EmbedBuild {
  const { outputFiles } = buildSync({
    entryPoints: [
      { in: EMBED_ENTRY, out: 'embed' },
      { in: PAGES_ENTRY, out: 'assets/translate' },
    ],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    minify: true,
    charset: 'utf8',
    legalComments: 'none',
    write: false,
    outdir: path.join(ROOT, 'web'),
    logLevel: 'silent',
  });
  const output = (file: string) => {
    const found = outputFiles.find((candidate) => candidate.path === file);
    if (!found) throw new Error(`esbuild wrote no ${path.relative(ROOT, file)}`);
    return found.contents;
  };
  const code = output(EMBED_FILE);
  const pages = output(PAGES_FILE);
  if (!write) return { file: null, code, pages };
  writeIfChanged(EMBED_FILE, code);
  writeIfChanged(PAGES_FILE, pages);
  return { file: EMBED_FILE, code, pages };
}

if (require.main === module) {
  const { file, code, pages } = buildEmbed();
  console.log(
    `storefront embed: ${path.relative(ROOT, file ?? '')} (${(code.length / 1024).toFixed(1)} KiB), ` +
      `pages' translator: ${path.relative(ROOT, PAGES_FILE)} (${(pages.length / 1024).toFixed(1)} KiB)`,
  );
}
