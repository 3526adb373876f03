/**
 * The responsive base layout that wraps every email's HTML: a single centred column that reads well on a
 * phone, inline styles only (mail clients drop <style> blocks unevenly), and a footer with the sender's
 * postal address and, for marketing, the unsubscribe link.
 */
import { emailTranslator, type EmailTranslate } from '../../i18n/email-translate';
import { pickLocale } from '../../i18n/locales';
import { Html, markup, type Piece } from './html';
import { oneLine, type RenderedEmail } from './rendered';

/** Markup as it is (the layout's own, or a body already rendered and escaped). */
const raw = (text: string): Html => new Html(text);

/** A footer link; nothing when the email has none. */
const footerLink = (href: string | undefined, label: string): Piece =>
  href ? [raw('<a href="'), href, raw('" style="color:#52525b;">'), label, raw('</a>')] : null;

/**
 * Built in code like the platform's emails (./html.ts), not with Liquid: every value is escaped on its way
 * in, and a function that sends only the platform's own emails (the alerter) loads no template engine.
 */
export const wrapInLayout = async (params: {
  subject: string;
  /** Already rendered (and escaped) HTML of the email's body. */
  contentHtml: string;
  postalAddress: string;
  /** The shopper's language: the footer's words and the document's `lang`. */
  t: EmailTranslate;
  statusUrl?: string;
  unsubscribeUrl?: string;
}): Promise<string> => {
  const { t } = params;
  const status = footerLink(params.statusUrl, t('email.footer.status'));
  const unsubscribe = footerLink(params.unsubscribeUrl, t('email.footer.unsubscribe'));
  return markup(
    raw('<!doctype html>\n<html lang="'),
    t.locale,
    raw(
      '">\n<head>\n<meta charset="utf-8">\n' +
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n' +
        '<meta name="x-apple-disable-message-reformatting">\n<title>',
    ),
    params.subject,
    raw(
      '</title>\n</head>\n<body style="margin:0;padding:0;background:#f4f4f5;">\n' +
        '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f4f4f5;">\n' +
        '<tr><td align="center" style="padding:24px 12px;">\n' +
        '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:560px;background:#ffffff;border-radius:8px;">\n' +
        '<tr><td style="padding:28px 24px;font-family:-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif;font-size:16px;line-height:1.5;color:#18181b;">\n',
    ),
    // The body's variables were escaped when it was rendered: its markup goes in as it is.
    raw(params.contentHtml),
    raw(
      '\n</td></tr>\n</table>\n' +
        '<p style="max-width:560px;margin:16px auto 0;font-family:Helvetica,Arial,sans-serif;font-size:12px;line-height:1.5;color:#52525b;">\n',
    ),
    status && [status, raw('<br>')],
    params.postalAddress,
    unsubscribe && [raw('<br>'), unsubscribe],
    raw('\n</p>\n</td></tr>\n</table>\n</body>\n</html>'),
  ).markup;
};

/** The words of a shopper's emails: in their language (`de-AT` reads German), English when it is not spoken. */
export const wordsFor = (locale: string | undefined): EmailTranslate => emailTranslator(pickLocale([locale]));

/** A transactional email the platform writes itself (not a marketer's campaign), in the shopper's language. */
export interface TransactionalEmail {
  subject: string;
  html: Html;
  /** The plain-text part without its footer. */
  text: string;
  postalAddress: string;
  t: EmailTranslate;
}

/** Renders one: the subject on one line, the HTML body in the layout, the plain text with the postal address. */
export const renderTransactional = async (email: TransactionalEmail): Promise<RenderedEmail> => {
  const subject = oneLine(email.subject);
  return {
    subject,
    html: await wrapInLayout({
      subject,
      contentHtml: email.html.markup,
      postalAddress: email.postalAddress,
      t: email.t,
    }),
    text: `${email.text.trim()}\n\n--\n${email.postalAddress}\n`,
  };
};
