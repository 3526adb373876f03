/**
 * Renders one nurture step for one shopper: the marketer's Liquid (every variable HTML-escaped) inside the
 * base layout, whose footer always carries the status link, the postal address and the unsubscribe link.
 * The marketer's parts render within the limits of render-limits.ts (TemplateRefused otherwise).
 */
import type { NurtureStep } from '../domain/campaign';
import { commonWordsFor } from '../../i18n/email-common';
import { wrapInLayout } from './layout';
import { renderBudget, TemplateRefused } from './render-limits';
import { htmlEngine, textEngine } from './templating';
import { oneLine, type RenderedEmail } from './rendered';
import type { NurtureVariables } from './variables';

const HTML_ENTITIES: Record<string, string> = {
  '&nbsp;': ' ',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&#39;': "'",
  '&amp;': '&',
};

/**
 * Removes <style> and <script> elements with their content. One pass over the HTML: a lazy regular
 * expression (`<style[\s\S]*?</style>`) rescans to the end for every unclosed opening tag, which takes
 * minutes on 512 KiB of them. An element that is never closed is left as it is, as that expression did.
 */
const withoutStyleAndScript = (html: string): string => {
  const opening = /<(style|script)/gi;
  const unclosed = new Set<string>();
  let out = '';
  let at = 0;
  for (let found = opening.exec(html); found; found = opening.exec(html)) {
    const name = found[1].toLowerCase();
    if (unclosed.has(name)) continue;
    const closing = new RegExp(`</${name}>`, 'gi');
    closing.lastIndex = found.index;
    const end = closing.exec(html);
    if (!end) {
      unclosed.add(name);
      continue;
    }
    out += html.slice(at, found.index);
    at = closing.lastIndex;
    opening.lastIndex = at;
  }
  return out + html.slice(at);
};

/**
 * Removes every tag (`<` then at least one character then `>`). One pass: `/<[^>]+>/g` backtracks from every
 * `<` that no `>` follows, quadratic in the length of the HTML.
 */
const withoutTags = (html: string): string => {
  let out = '';
  let at = 0;
  let from = 0;
  for (;;) {
    const open = html.indexOf('<', from);
    if (open < 0) break;
    if (html[open + 1] === '>') {
      from = open + 1;
      continue;
    }
    const close = html.indexOf('>', open + 1);
    // No `>` after this `<`: none after any later `<` either, so there are no more tags.
    if (close < 0) break;
    out += html.slice(at, open);
    at = close + 1;
    from = at;
  }
  return out + html.slice(at);
};

/** Plain-text fallback when the marketer wrote no text part: the HTML's words, without markup. */
export const textFromHtml = (html: string): string =>
  withoutTags(withoutStyleAndScript(html).replace(/<br\s*\/?>|<\/(p|div|h\d|li|tr)>/gi, '\n'))
    .replace(/&(nbsp|lt|gt|quot|#39);/g, (entity) => HTML_ENTITIES[entity])
    .replace(/&amp;/g, '&')
    .replace(/\n{3,}/g, '\n\n')
    .trim();

/**
 * A time overrun can be the machine's rather than the template's (a garbage-collection pause, a busy host
 * descheduling the process): a sound email must not be withheld for that. A slow template is slow every
 * time, so only an overrun that repeats on each of these attempts counts.
 */
const TIME_ATTEMPTS = 3;

export const renderNurtureStep = async (
  step: Pick<NurtureStep, 'subject' | 'html' | 'text'>,
  variables: NurtureVariables,
  postalAddress: string,
  /** The shopper's locale: the footer's language. */
  locale?: string,
): Promise<RenderedEmail> => {
  for (let attempt = 1; ; attempt++) {
    try {
      return await renderOnce(step, variables, postalAddress, locale);
    } catch (error) {
      if (!(error instanceof TemplateRefused) || error.problem !== 'time' || attempt >= TIME_ATTEMPTS)
        throw error;
    }
  }
};

const renderOnce = async (
  step: Pick<NurtureStep, 'subject' | 'html' | 'text'>,
  variables: NurtureVariables,
  postalAddress: string,
  locale: string | undefined,
): Promise<RenderedEmail> => {
  const t = commonWordsFor(locale);
  const budget = renderBudget();
  const subject = oneLine(budget.render(textEngine, step.subject, variables, 'subject'));
  const content = budget.render(htmlEngine, step.html, variables, 'html');
  const body = step.text ? budget.render(textEngine, step.text, variables, 'text') : textFromHtml(content);
  return {
    subject,
    html: await wrapInLayout({
      subject,
      contentHtml: content,
      postalAddress,
      t,
      statusUrl: variables.backorder.statusUrl,
      unsubscribeUrl: variables.unsubscribeUrl,
    }),
    text: [
      `${body}\n\n--`,
      t('email.footer.status.text', { url: variables.backorder.statusUrl }),
      t('email.footer.unsubscribe.text', { url: variables.unsubscribeUrl }),
      `${postalAddress}\n`,
    ].join('\n'),
  };
};
