/**
 * The updates a bot is handling right now, so that shutdown can wait for them
 * (grammY runner's `handle.stop()` stops fetching but does not wait for the
 * concurrent sink; a webhook reply ends the HTTP response before the handler
 * has saved the session).
 */
import type { Context, MiddlewareFn } from "grammy";

export class Pending {
  private readonly tasks = new Set<Promise<void>>();

  /** Middleware to install first: everything after it counts as in flight. */
  middleware(): MiddlewareFn<Context> {
    return async (_ctx, next) => {
      const task = next();
      this.tasks.add(task);
      try {
        await task;
      } finally {
        this.tasks.delete(task);
      }
    };
  }

  /** How many updates are being handled. */
  get size(): number {
    return this.tasks.size;
  }

  /** Resolves once no update is being handled (also those that arrive while waiting). */
  async idle(): Promise<void> {
    while (this.tasks.size > 0) await Promise.allSettled([...this.tasks]);
  }
}
