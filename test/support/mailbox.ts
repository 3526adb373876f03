/**
 * Reads what the local SES received (GET /store), the way a shopper would find it in their inbox.
 */
export interface StoredEmail {
  messageId: string;
  from: string;
  destination: { to: string[] };
  subject: string;
  body: { html?: string; text?: string };
  /** What aws-ses-v2-local keeps of each attachment (mailparser's view), content in base64. */
  attachments?: { filename?: string; contentType: string; content: string }[];
  at: number;
}

/**
 * Every test file sends its mail after it started (each file loads this module afresh): asking the emulator
 * only for mail since then keeps each look small late in a run, when the store holds thousands of emails.
 */
const FILE_STARTED_SECONDS = Math.floor(Date.now() / 1000) - 60;

export const emailsTo = async (sesUrl: string, address: string): Promise<StoredEmail[]> => {
  const response = await fetch(`${sesUrl}/store?since=${FILE_STARTED_SECONDS}`);
  const { emails } = (await response.json()) as { emails: StoredEmail[] };
  const wanted = address.toLowerCase();
  return emails.filter((email) => email.destination.to.some((to) => to.toLowerCase().includes(wanted)));
};

/** Waits until `count` emails reached the address (or fails after the timeout), then returns them. */
export const waitForEmails = async (
  sesUrl: string,
  address: string,
  count = 1,
  timeoutMs = 30_000,
): Promise<StoredEmail[]> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const emails = await emailsTo(sesUrl, address);
    if (emails.length >= count || Date.now() > deadline) return emails;
    await new Promise((r) => setTimeout(r, 100));
  }
};

export const uniqueEmail = (label: string): string =>
  `${label}.${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}@example.com`;

/**
 * The status links (`…/status?id=…#token=…`) an email carries, from its plain text, in order. These are the
 * email links: the ones that also export and erase.
 */
export const statusLinksIn = (email: StoredEmail): string[] =>
  [
    ...(email.body.text ?? '').matchAll(
      /https?:\/\/\S+\/status\?id=[0-9A-Z]+(?:&via=[A-Za-z0-9_~%-]+)?#token=[A-Za-z0-9_%-]+/g,
    ),
  ].map((match) => match[0]);

/** The first status link of the first email that reached the address (waiting for it). */
export const emailedStatusLink = async (sesUrl: string, address: string): Promise<string> => {
  const [email] = await waitForEmails(sesUrl, address);
  const [link] = email ? statusLinksIn(email) : [];
  if (!link) throw new Error(`no email with a status link reached ${address}`);
  return link;
};

/** The token of an email link to one backorder, from the first email to the address that carries one. */
export const emailLinkTokenFor = async (
  sesUrl: string,
  address: string,
  backorderId: string,
  timeoutMs = 15_000,
): Promise<string> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const email of await emailsTo(sesUrl, address)) {
      for (const link of statusLinksIn(email)) {
        const url = new URL(link);
        if (url.searchParams.get('id') === backorderId)
          return decodeURIComponent(new URLSearchParams(url.hash.slice(1)).get('token') ?? '');
      }
    }
    if (Date.now() > deadline) throw new Error(`no email link to ${backorderId} reached ${address}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};
