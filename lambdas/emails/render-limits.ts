/**
 * Rendering a marketer's templates within limits, so no template runs forever or grows without end: the
 * parts of one email (subject, HTML, text) share 100 ms of rendering and 512 KiB of output. A template that
 * breaks a limit, or fails to parse or render, throws TemplateRefused naming the part; callers turn that into
 * a 400 on save and preview, or a withheld email at send time.
 *
 * What bounds a runaway template, and why each is needed:
 * - time: liquidjs's `renderLimit`, a deadline checked before every node it renders, also at each turn of a
 *   loop (an empty loop body included), so `{% for i in xs %}{% for j in xs %}…` stops at the deadline. The
 *   check is between nodes, so the time is checked again after the render (a last node may overrun).
 * - memory: liquidjs's `memoryLimit` counts what ranges and filters allocate. It stops `(1..100000000)`
 *   before the range's array is built (800 MB, which no time check could interrupt), and filters that double
 *   a string or an array each turn. It also bounds the cost of a single filter call, which the time check
 *   cannot interrupt (about 0.1 s at this limit on a slow machine).
 * - output: liquidjs has no output limit, so the writes are counted here (LimitedOutput) and the render
 *   stops as soon as the email would pass 512 KiB, before a huge string is ever built.
 *
 * Rendering is synchronous: the time measured is this email's own, never that of other work interleaved on
 * the event loop, and a busy instance does not make a sound template look slow.
 */
import { Context, toValue, toValueSync, type Liquid, type Template } from 'liquidjs';

export const RENDER_TIME_LIMIT_MS = 100;
/** The output limit covers the subject, HTML and text the templates produce together (see LimitedOutput). */
export const OUTPUT_LIMIT_BYTES = 512 * 1024;
/**
 * Characters and list items a render may build (liquidjs's count). Twice the output limit: every output of
 * the HTML part is escaped and counted, so a sound template needs about its output, and twice leaves room.
 */
export const MEMORY_LIMIT = 2 * OUTPUT_LIMIT_BYTES;

export type TemplatePart = 'subject' | 'html' | 'text';
export type TemplateProblem = 'time' | 'size' | 'memory' | 'template';

/** A template that cannot be rendered within the limits (or at all), with the part it is in. */
export class TemplateRefused extends Error {
  override name = 'TemplateRefused';
  constructor(
    readonly part: TemplatePart,
    readonly problem: TemplateProblem,
    /** For people: what went wrong, without the data it was rendered with. */
    readonly reason: string,
  ) {
    super(`${part}: ${reason}`);
  }
}

const KIB = (bytes: number) => `${bytes / 1024} KiB`;

export const limitMessages: Record<Exclude<TemplateProblem, 'template'>, string> = {
  time: `rendering takes over ${RENDER_TIME_LIMIT_MS} ms (a loop runs too many times?)`,
  size: `the email would be over ${KIB(OUTPUT_LIMIT_BYTES)} (subject, HTML and text together)`,
  memory: `rendering builds too much (over ${MEMORY_LIMIT} characters or list items; a range or loop too large?)`,
};

class OutputTooLarge extends Error {
  override name = 'OutputTooLarge';
}

/** liquidjs's emitter contract, with the running UTF-8 size of everything written checked on each write. */
class LimitedOutput {
  buffer = '';
  constructor(private readonly budget: { bytes: number }) {}

  write(value: unknown): void {
    const text = stringify(value);
    const left = OUTPUT_LIMIT_BYTES - this.budget.bytes;
    // UTF-8 never has fewer bytes than UTF-16 code units, so a long string is refused without measuring it.
    if (text.length > left) throw new OutputTooLarge();
    const bytes = Buffer.byteLength(text);
    if (bytes > left) throw new OutputTooLarge();
    this.budget.bytes += bytes;
    this.buffer += text;
  }
}

/** What liquidjs's own emitter writes for a value (its `stringify`, which it does not export). */
const stringify = (value: unknown): string => {
  const plain = toValue(value) as unknown;
  if (typeof plain === 'string') return plain;
  if (plain === null || plain === undefined) return '';
  if (Array.isArray(plain)) return plain.map(stringify).join('');
  return String(plain);
};

const causes = (error: unknown): unknown[] => [error, (error as { originalError?: unknown })?.originalError];

const isLimit = (error: unknown, message: string): boolean =>
  causes(error).some(
    (cause) =>
      (cause as Error | undefined)?.name === 'AssertionError' && (cause as Error).message === message,
  );

/** liquidjs's own message, without its ", line:1, col:5" suffix, after our "line 1, col 5: " prefix. */
export const liquidMessage = (error: unknown): string => {
  const token = (error as { token?: { getPosition?: () => [number, number] } }).token;
  const position = token?.getPosition?.();
  const message = String((error as Error)?.message ?? error).replace(/, line:\d+, col:\d+$/, '');
  return position ? `line ${position[0]}, col ${position[1]}: ${message}` : message;
};

/**
 * Parsed templates kept per engine, by their source: a campaign step sent to ten thousand shoppers is parsed
 * once per instance, not once per email (a parsed template is not changed by rendering it). Bounded, oldest
 * out first; a template that fails to parse is not kept, so it is refused each time as before.
 */
const PARSED_KEPT = 64;
const parsedBy = new WeakMap<Liquid, Map<string, Template[]>>();

const parsed = (engine: Liquid, source: string): Template[] => {
  let kept = parsedBy.get(engine);
  if (!kept) parsedBy.set(engine, (kept = new Map()));
  const found = kept.get(source);
  if (found) return found;
  const templates = engine.parse(source);
  if (kept.size >= PARSED_KEPT) kept.delete(kept.keys().next().value as string);
  kept.set(source, templates);
  return templates;
};

/**
 * One email's budget. Each `render` parses and renders one part; the time runs from the first part's start,
 * the output is counted across parts.
 */
export const renderBudget = () => {
  const startedAt = performance.now();
  const output = { bytes: 0 };
  let limits: { renderLimit: Context['renderLimit']; memoryLimit: Context['memoryLimit'] } | undefined;
  const overTime = () => performance.now() - startedAt > RENDER_TIME_LIMIT_MS;

  const render = (engine: Liquid, source: string, variables: object, part: TemplatePart): string => {
    try {
      const templates = parsed(engine, source);
      const context = new Context(
        variables,
        engine.options,
        { sync: true, renderLimit: RENDER_TIME_LIMIT_MS, memoryLimit: MEMORY_LIMIT },
        { liquid: engine, ...limits },
      );
      // The first part's deadline and memory count carry over to the next parts.
      limits ??= { renderLimit: context.renderLimit, memoryLimit: context.memoryLimit };
      if (overTime()) throw new TemplateRefused(part, 'time', limitMessages.time);
      const emitter = new LimitedOutput(output);
      toValueSync(engine.renderer.renderTemplates(templates, context, emitter));
      if (overTime()) throw new TemplateRefused(part, 'time', limitMessages.time);
      return emitter.buffer;
    } catch (error) {
      throw refusal(error, part, overTime());
    }
  };
  return { render };
};

/** A string or array past V8's maximum length, built where nothing counted it (a capture doubling each turn). */
const isTooLong = (cause: unknown): boolean =>
  cause instanceof RangeError && /^Invalid (string|array) length/.test(cause.message);

const refusal = (error: unknown, part: TemplatePart, overTime: boolean): TemplateRefused => {
  if (error instanceof TemplateRefused) return error;
  if (causes(error).some((cause) => cause instanceof OutputTooLarge || isTooLong(cause)))
    return new TemplateRefused(part, 'size', limitMessages.size);
  if (isLimit(error, 'memory alloc limit exceeded'))
    return new TemplateRefused(part, 'memory', limitMessages.memory);
  if (overTime || isLimit(error, 'template render limit exceeded'))
    return new TemplateRefused(part, 'time', limitMessages.time);
  return new TemplateRefused(part, 'template', liquidMessage(error));
};
