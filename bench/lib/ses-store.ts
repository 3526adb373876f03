/** Following what the SES emulator (aws-ses-v2-local) stored: `GET /store?since=<epoch seconds>`. */

export interface StoredEmail {
  messageId: string;
  destination: { to: string[] };
  subject: string;
  /** Epoch seconds when the emulator stored it. */
  at: number;
}

/** The recipients' addresses of a stored email, lower-cased, without display names. */
export const recipientsOf = (email: StoredEmail): string[] =>
  email.destination.to.map((to) => (/<([^<>]+)>\s*$/.exec(to)?.[1] ?? to).trim().toLowerCase());

/**
 * Follows the SES emulator's store from `sinceSeconds`: each poll asks only for emails stored at or after
 * the newest one already seen (the store of a whole run is large), and recognises an email seen by an earlier
 * poll by its message id, second and recipients: the emulator's ids are `ses-` and nine random digits, so in
 * 100 000 emails a few collide (7 did in one run), and the id alone would count those as one. Only emails
 * `matches` accepts are counted; `onEmail`, when given, sees each of them once, as it is first seen.
 */
export const sesWatcher = (
  sesEndpoint: string,
  matches: (email: StoredEmail) => boolean,
  sinceSeconds: number,
  onEmail?: (email: StoredEmail) => void,
) => {
  const seen = new Set<string>();
  const perRecipient = new Map<string, number>();
  let since = sinceSeconds;
  let lastAt = 0;
  let polls = 0;
  const pollOnce = async (): Promise<void> => {
    const response = await fetch(`${sesEndpoint}/store?since=${since}`);
    if (!response.ok) throw new Error(`SES store answered ${response.status}`);
    const { emails } = (await response.json()) as { emails: StoredEmail[] };
    polls++;
    for (const email of emails) {
      since = Math.max(since, email.at);
      const key = `${email.messageId} ${email.at} ${email.destination.to.join(',')}`;
      if (seen.has(key) || !matches(email)) continue;
      seen.add(key);
      lastAt = Math.max(lastAt, email.at);
      for (const to of recipientsOf(email)) perRecipient.set(to, (perRecipient.get(to) ?? 0) + 1);
      onEmail?.(email);
    }
  };
  // One poll at a time: `since` moves forward with each answer.
  let polling = Promise.resolve();
  const poll = (): Promise<void> => (polling = polling.then(pollOnce));
  return {
    poll,
    /** Matching emails, counting duplicates. */
    emails: () => seen.size,
    perRecipient,
    /** Epoch seconds of the newest matching email (0 before the first). */
    lastAt: () => lastAt,
    polls: () => polls,
  };
};
