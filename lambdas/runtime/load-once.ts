/**
 * A module loaded on first use, once: the first call starts `import()`, every later call answers the same
 * promise. Bundled for Lambda, `import()` is cheap after the first; run by the local runner under tsx, each
 * call goes through the loader's resolve hooks (about a millisecond), so a route that imported on every
 * request would pay that each time. A failed load is not kept: the next call tries again.
 */
export const loadOnce = <T>(load: () => Promise<T>): (() => Promise<T>) => {
  let loading: Promise<T> | undefined;
  return () =>
    (loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw error;
    }));
};
