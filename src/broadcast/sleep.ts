/**
 * Wait `ms` milliseconds, or less when `signal` aborts (never rejects). The
 * abort listener is removed either way, so long runs that sleep often do not
 * pile listeners up on one signal.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(t);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal?.addEventListener("abort", done);
  });
}
