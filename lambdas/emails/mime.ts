/**
 * Builds the raw MIME message handed to SES SendRawEmail, with nodemailer's MailComposer: multipart
 * alternative (text + HTML), encoded headers, and the List-Unsubscribe pair on marketing email (RFC 8058).
 */
import MailComposer from 'nodemailer/lib/mail-composer';
import type { RenderedEmail } from './rendered';

export interface Envelope {
  from: string;
  replyTo?: string;
  to: { name?: string; address: string };
  /** Stable id of this email (e.g. "confirmation#<backorder>"), kept in a header for tracing. */
  emailId: string;
  /** One-click unsubscribe endpoint; present on marketing email only. */
  unsubscribeUrl?: string;
  /** Files sent along (a supplier batch's CSV); the message becomes multipart/mixed. */
  attachments?: { filename: string; content: string; contentType: string }[];
}

export const buildMime = async (envelope: Envelope, email: RenderedEmail): Promise<Buffer> => {
  const headers: { key: string; value: string }[] = [
    { key: 'X-Backorder-Email-Id', value: envelope.emailId },
  ];
  if (envelope.unsubscribeUrl) {
    headers.push({ key: 'List-Unsubscribe', value: `<${envelope.unsubscribeUrl}>` });
    headers.push({ key: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' });
  }
  const composer = new MailComposer({
    from: envelope.from,
    replyTo: envelope.replyTo,
    // An object, never a string: a display name can then never smuggle in another address or header.
    to: envelope.to.name ? { name: envelope.to.name, address: envelope.to.address } : envelope.to.address,
    subject: email.subject,
    text: email.text,
    html: email.html,
    headers,
    attachments: envelope.attachments?.map((file) => ({
      filename: file.filename,
      content: file.content,
      contentType: file.contentType,
    })),
  });
  return composer.compile().build();
};
