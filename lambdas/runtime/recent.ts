/**
 * A value an instance loads at most every `maxAgeMs` (settings, webhook endpoints): a burst of thousands of
 * requests or messages reads the table a handful of times, and a console change reaches every instance
 * within that age. A failed load is not kept: the next call tries again.
 */
export interface Recent<T> {
  /** The value loaded within `maxAgeMs` of `nowMs`, or a fresh load. */
  get(nowMs?: number): Promise<T>;
  /** Drops this instance's copy (after this instance changed it, and in tests). */
  forget(): void;
}

export const recent = <T>(load: () => Promise<T>, maxAgeMs: number): Recent<T> => {
  let kept: { loadedAtMs: number; value: Promise<T> } | undefined;
  return {
    get(nowMs = Date.now()) {
      if (!kept || nowMs - kept.loadedAtMs >= maxAgeMs) {
        const entry = { loadedAtMs: nowMs, value: load() };
        kept = entry;
        entry.value.catch(() => {
          if (kept === entry) kept = undefined;
        });
      }
      return kept.value;
    },
    forget() {
      kept = undefined;
    },
  };
};
