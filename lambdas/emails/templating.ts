/**
 * Liquid engines for email: the HTML engine escapes every output, the text engine does not (plain text has
 * nothing to escape). Both are strict: an unknown variable or filter is an error, never an empty string.
 *
 * Neither engine can read a file. Marketers write templates (lambdas/emails/nurture.ts), and Liquid's
 * `include`, `render` and `layout` tags read files by default: `{% include 'package.json' %}` would put the
 * function's bundle, source map or /etc/passwd in an email or a preview. So those three tags are replaced by
 * one that fails the parse, naming the tag, and the engines' file system refuses every read, so that even
 * `renderFile` or a tag registered later finds nothing to read.
 */
import { Liquid, Tag, type FS, type LiquidOptions, type TagToken, type TopLevelToken } from 'liquidjs';

/** The tags that read other templates from files. */
export const FILE_TAGS = ['include', 'render', 'layout'] as const;

export const fileTagRefusal = (tag: string): string =>
  `the ${tag} tag is not allowed: templates cannot read files`;

class FileTagRefused extends Tag {
  constructor(token: TagToken, remainTokens: TopLevelToken[], liquid: Liquid) {
    super(token, remainTokens, liquid);
    // Thrown while parsing: liquidjs reports it as a ParseError with the tag's line and column.
    throw new Error(fileTagRefusal(token.name));
  }

  render(): void {
    // Never reached: the constructor refuses the tag.
  }
}

/** A file system with no files: every lookup misses, every read fails. */
const NO_FILES: FS = {
  exists: async () => false,
  existsSync: () => false,
  readFile: async () => {
    throw new Error('templates cannot read files');
  },
  readFileSync: () => {
    throw new Error('templates cannot read files');
  },
  resolve: (_dir, file) => file,
  contains: async () => false,
  containsSync: () => false,
};

const options: LiquidOptions = {
  strictVariables: true,
  strictFilters: true,
  cache: true,
  fs: NO_FILES,
  root: [],
  relativeReference: false,
  dynamicPartials: false,
  // Defence in depth: a saved template is at most 12 000 characters (campaign-schema.ts), ours are smaller.
  parseLimit: 100_000,
  // Safety net for every render; marketers' templates get the tighter limits of render-limits.ts.
  memoryLimit: 16 * 1024 * 1024,
};

const withoutFiles = (engine: Liquid): Liquid => {
  for (const tag of FILE_TAGS) engine.registerTag(tag, FileTagRefused);
  return engine;
};

export const htmlEngine = withoutFiles(new Liquid({ ...options, outputEscape: 'escape' }));
export const textEngine = withoutFiles(new Liquid({ ...options }));
