/**
 * Renders one nurture step for one shopper: the marketer's Liquid (every variable HTML-escaped) inside the
 * base layout, whose footer always carries the status link, the postal address and the unsubscribe link.
 */
import type { NurtureStep } from '../domain/campaign';
import { wrapInLayout } from './layout';
import { htmlEngine, oneLine, textEngine, type RenderedEmail } from './templating';
import type { NurtureVariables } from './variables';

/** Plain-text fallback when the marketer wrote no text part: the HTML's words, without markup. */
const textFromHtml = (html: string): string =>
  html
    .replace(/<(style|script)[\s\S]*?<\/\1>/gi, '')
    .replace(/<br\s*\/?>|<\/(p|div|h\d|li|tr)>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\n{3,}/g, '\n\n')
    .trim();

export const renderNurtureStep = async (
  step: Pick<NurtureStep, 'subject' | 'html' | 'text'>,
  variables: NurtureVariables,
  postalAddress: string,
): Promise<RenderedEmail> => {
  const subject = oneLine(await textEngine.parseAndRender(step.subject, variables));
  const content = await htmlEngine.parseAndRender(step.html, variables);
  const body = step.text ? await textEngine.parseAndRender(step.text, variables) : textFromHtml(content);
  return {
    subject,
    html: await wrapInLayout({
      subject,
      contentHtml: content,
      postalAddress,
      statusUrl: variables.backorder.statusUrl,
      unsubscribeUrl: variables.unsubscribeUrl,
    }),
    text: `${body}\n\n--\nYour place in the queue: ${variables.backorder.statusUrl}\nUnsubscribe: ${variables.unsubscribeUrl}\n${postalAddress}\n`,
  };
};
