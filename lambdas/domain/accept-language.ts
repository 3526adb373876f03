/**
 * The languages a browser asks for (`Accept-Language: de-AT,de;q=0.9,en;q=0.8`), most wanted first: what a
 * signup falls back on when the page or embed did not say the shopper's language. Malformed entries are
 * skipped; at most 20 are read (a header is not a place to make the server work).
 */
export const acceptedLanguages = (header: string | undefined): string[] =>
  (header ?? '')
    .split(',')
    .slice(0, 20)
    .map((entry, order) => {
      const [tag, ...parameters] = entry.trim().split(';');
      const q = parameters.map((p) => /^\s*q=([01](?:\.\d{0,3})?)\s*$/.exec(p)?.[1]).find(Boolean);
      return { tag: tag.trim(), q: q === undefined ? 1 : Number(q), order };
    })
    .filter((entry) => /^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/.test(entry.tag) && entry.q > 0)
    .sort((a, b) => b.q - a.q || a.order - b.order)
    .map((entry) => entry.tag);
