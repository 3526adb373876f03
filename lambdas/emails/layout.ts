/**
 * The responsive base layout that wraps every email's HTML: a single centred column that reads well on a
 * phone, inline styles only (mail clients drop <style> blocks unevenly), and a footer with the sender's
 * postal address and, for marketing, the unsubscribe link.
 */
import type { CommonEmailTranslate } from '../../i18n/email-common';
import { escapeHtml, type Html } from './html';
import { oneLine, type RenderedEmail } from './rendered';

/**
 * Built in code like the platform's emails (./html.ts), not with Liquid: every value is escaped where it is
 * put in, and a function that sends only the platform's own emails (the alerter) loads no template engine.
 */
export const wrapInLayout = async (params: {
  subject: string;
  /** Already rendered (and escaped) HTML of the email's body. */
  contentHtml: string;
  postalAddress: string;
  /** The shopper's language: the footer's words and the document's `lang`. */
  t: CommonEmailTranslate;
  statusUrl?: string;
  unsubscribeUrl?: string;
}): Promise<string> => {
  const { t } = params;
  const footerLink = (href: string, label: string) =>
    `<a href="${escapeHtml(href)}" style="color:#52525b;">${escapeHtml(label)}</a>`;
  const status = params.statusUrl ? `${footerLink(params.statusUrl, t('email.footer.status'))}<br>` : '';
  const unsubscribe = params.unsubscribeUrl
    ? `<br>${footerLink(params.unsubscribeUrl, t('email.footer.unsubscribe'))}`
    : '';
  // The body's variables were escaped when it was rendered: its markup goes in as it is.
  return `<!doctype html>
<html lang="${escapeHtml(t.locale)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="x-apple-disable-message-reformatting">
<title>${escapeHtml(params.subject)}</title>
</head>
<body style="margin:0;padding:0;background:#f4f4f5;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f4f4f5;">
<tr><td align="center" style="padding:24px 12px;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:560px;background:#ffffff;border-radius:8px;">
<tr><td style="padding:28px 24px;font-family:-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif;font-size:16px;line-height:1.5;color:#18181b;">
${params.contentHtml}
</td></tr>
</table>
<p style="max-width:560px;margin:16px auto 0;font-family:Helvetica,Arial,sans-serif;font-size:12px;line-height:1.5;color:#52525b;">
${status}${escapeHtml(params.postalAddress)}${unsubscribe}
</p>
</td></tr>
</table>
</body>
</html>`;
};

/** A transactional email the platform writes itself (not a marketer's campaign), in the shopper's language. */
export interface TransactionalEmail {
  subject: string;
  html: Html;
  /** The plain-text part without its footer. */
  text: string;
  postalAddress: string;
  t: CommonEmailTranslate;
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
