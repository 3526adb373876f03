/**
 * Constant updates: when a product's expected restock date moves, every shopper waiting for it is told once,
 * and asked to keep their place or cancel when it slipped far past the date they signed up under. Pure rules
 * only; the product's bookkeeping lives on its own item (lambdas/store/eta-store.ts), the sweep and fan-out
 * in lambdas/use-cases/eta-updates.ts.
 *
 * The states of a product's date, all on the product item:
 * - a *window* opens at the first change after the last announcement and stays open `ETA_DEBOUNCE_SECONDS`;
 *   more changes within it only move the date, so several edits make one email with the last date, and an
 *   edit that puts the date back where it was makes none (the window remembers the date announced before);
 * - when it ends the date is *announced*: the history gains it, and a *fan-out* goes through the SKU's waiting
 *   backorders page by page, one email each;
 * - a change during a fan-out opens the next window, announced once that fan-out is done.
 */
/** An expected restock date, `YYYY-MM-DD`, or null: the shop has none. */
export type EtaDate = string | null;

export const DEFAULT_ETA_DEBOUNCE_SECONDS = 600;
export const DEFAULT_ASK_AFTER_DAYS = 14;
/** Dates a product keeps in its history: the status page shows those since the shopper signed up. */
export const ETA_HISTORY_LIMIT = 30;

/** The site's rule for asking: a slip of more than this many days past the date the shopper signed up under. */
export interface EtaSlipSettings {
  askAfterDays: number;
}

export interface EtaWindow {
  /** The announcement this window will be: its emails' ledger ids carry it. */
  version: number;
  /** When the window ends and the date is announced (ISO instant). */
  until: string;
  /** The date announced before (or the product's date when the window opened): a revert to it sends nothing. */
  previous: EtaDate;
}

export interface EtaFanout {
  version: number;
  date: EtaDate;
  previous: EtaDate;
  /** The product's name when announced: each email carries it, so sending one reads no product. */
  productName: string;
  /** Where the next page of waiting backorders starts; absent: at the start. */
  cursor?: string;
  /** Which sweeper runs it, until when: a sweeper that died leaves it to the next one when its lease ends. */
  leaseId: string;
  leaseUntil: string;
  /** Emails queued so far (at least once each; the send ledger makes each one email). */
  queued: number;
  startedAt: string;
}

export interface EtaHistoryEntry {
  date: EtaDate;
  at: string;
}

/** What a product's item holds of its date's announcements. */
export interface EtaState {
  expectedRestockDate?: EtaDate;
  /** Moved by every write that changes the window or ends a fan-out: each such write is conditioned on it. */
  etaRev?: number;
  /** The last announcement's version (windows opened so far). */
  etaVersion?: number;
  etaWindow?: EtaWindow;
  etaFanout?: EtaFanout;
  etaHistory?: EtaHistoryEntry[];
}

const dateOf = (value: EtaDate | undefined): EtaDate => value ?? null;

/**
 * What saving a product (undefined: a new one) with `date` does to its announcements: nothing when the date stays; join the open
 * window; or open one (its end is when the sweeper picks it up, unless a fan-out is running, which picks it up
 * when it finishes).
 */
export type EtaSave =
  { kind: 'unchanged' } | { kind: 'join' } | { kind: 'open'; window: EtaWindow; dueAt?: string };

export const etaSave = (
  state: EtaState | undefined,
  date: EtaDate | undefined,
  nowMs: number,
  windowMs: number,
): EtaSave => {
  // A new product's date is its first, not a change: nobody waits for it yet.
  if (!state || dateOf(state.expectedRestockDate) === dateOf(date)) return { kind: 'unchanged' };
  if (state.etaWindow) return { kind: 'join' };
  const window: EtaWindow = {
    version: (state.etaVersion ?? 0) + 1,
    until: new Date(nowMs + windowMs).toISOString(),
    previous: dateOf(state.expectedRestockDate),
  };
  return { kind: 'open', window, ...(state.etaFanout ? {} : { dueAt: window.until }) };
};

/** The history after announcing `date` at `at`: the newest `ETA_HISTORY_LIMIT` entries. */
export const historyWith = (history: readonly EtaHistoryEntry[] | undefined, date: EtaDate, at: string) =>
  [...(history ?? []), { date, at }].slice(-ETA_HISTORY_LIMIT);

const DAY_MS = 86_400_000;

/** Whole days from one date to a later one (negative when earlier). */
export const daysBetween = (from: string, to: string): number =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);

/** What a backorder knows of its dates: the one it signed up under, and its answer to the last ask. */
export interface EtaOfBackorder {
  /** The product's date when the shopper signed up (absent: none, or signed up before dates were kept). */
  etaAtSignup?: string;
  /** The last time the shopper was asked whether to keep their place. */
  etaAsk?: { version: number; date: EtaDate; askedAt: string };
  /** Their answer "keep my place" (to the ask of `version`). */
  etaKept?: { version: number; date: EtaDate; at: string };
}

/** Whether the shopper was asked and has not answered yet. */
export const askOpen = (b: EtaOfBackorder): boolean =>
  b.etaAsk !== undefined && b.etaKept?.version !== b.etaAsk.version;

/**
 * Whether the email for `date` asks the shopper to choose: it slipped more than `askAfterDays` past the date
 * they agreed to wait for — the date they kept their place under, else the one they signed up under, else
 * (signed up without a date) the one they were told before.
 */
export const asksToChoose = (
  b: EtaOfBackorder,
  date: EtaDate,
  previous: EtaDate,
  askAfterDays: number,
): boolean => {
  const agreed = (b.etaKept ? b.etaKept.date : undefined) ?? b.etaAtSignup ?? previous;
  return date !== null && agreed !== null && daysBetween(agreed, date) > askAfterDays;
};

/** The deterministic id of one backorder's email of one announcement: each goes out once. */
export const etaEmailId = (sku: string, version: number, backorderId: string): string =>
  `eta:${sku}:${version}:${backorderId}`;

/** The choice as the status page shows it. */
export const etaChoiceOf = (b: EtaOfBackorder) =>
  b.etaAsk
    ? {
        date: b.etaAsk.date,
        askedAt: b.etaAsk.askedAt,
        keptAt: b.etaKept?.version === b.etaAsk.version ? b.etaKept.at : null,
      }
    : null;

/**
 * The dates a shopper has seen: the one they signed up under (for a backorder from before dates were kept,
 * the last one announced before it), then every one announced since, a date repeated in a row shown once.
 */
export const historySince = (
  b: EtaOfBackorder & { createdAt: string },
  history: readonly EtaHistoryEntry[] | undefined,
): EtaHistoryEntry[] => {
  const before = (history ?? []).filter((entry) => entry.at <= b.createdAt).at(-1);
  const seen: EtaHistoryEntry[] = [{ date: b.etaAtSignup ?? before?.date ?? null, at: b.createdAt }];
  for (const entry of history ?? [])
    if (entry.at > b.createdAt && entry.date !== seen[seen.length - 1].date) seen.push(entry);
  return seen;
};
