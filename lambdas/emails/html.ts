/**
 * The platform's own emails are built in code from translated sentences (i18n/), not from Liquid templates:
 * a sentence puts a bold item or a link wherever its language wants it (`t.parts`), and every piece of text,
 * the shopper's and the shop's included, is escaped here on its way into the HTML. `Html` marks what is
 * already markup, so nothing is escaped twice or not at all.
 */

/** Markup that is safe to put in an email as it is: built here, from escaped text. */
export class Html {
  constructor(readonly markup: string) {}
}

export type Piece = string | number | Html | null | undefined | false | readonly Piece[];

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => ESCAPES[c]);

/** Pieces joined into markup: text escaped, Html kept, nothing for null, undefined or false. */
export const markup = (...pieces: Piece[]): Html =>
  new Html(
    pieces
      .flat(Infinity as 1)
      .map((piece) =>
        piece instanceof Html
          ? piece.markup
          : piece === null || piece === undefined || piece === false
            ? ''
            : escapeHtml(String(piece)),
      )
      .join(''),
  );

const BUTTON =
  'display:inline-block;background:#1d4ed8;color:#ffffff;text-decoration:none;padding:12px 20px;border-radius:6px;';
const SMALL = 'font-size:14px;color:#52525b;';
const WRAP = 'overflow-wrap:anywhere;word-break:break-word;';

export const heading = (...text: Piece[]): Html =>
  markup(new Html('<h1 style="font-size:22px;margin:0 0 16px;">'), text, new Html('</h1>'));

export const paragraph = (...content: Piece[]): Html =>
  markup(new Html('<p style="margin:0 0 12px;">'), content, new Html('</p>'));

/** Small print: a link spelt out, what to do if the email was not expected. */
export const smallPrint = (...content: Piece[]): Html =>
  markup(new Html(`<p style="margin:12px 0 0;${SMALL}${WRAP}">`), content, new Html('</p>'));

export const strong = (...text: Piece[]): Html => markup(new Html('<strong>'), text, new Html('</strong>'));

export const link = (href: string, ...text: Piece[]): Html =>
  markup(new Html(`<a href="${escapeHtml(href)}" style="color:#1d4ed8;${WRAP}">`), text, new Html('</a>'));

/** The email's main action, as a button. */
export const button = (href: string, label: string): Html =>
  markup(
    new Html(`<p style="margin:8px 0 20px;"><a href="${escapeHtml(href)}" style="${BUTTON}">`),
    label,
    new Html('</a></p>'),
  );
