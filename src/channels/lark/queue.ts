/**
 * Work the channel does after it has answered Lark's request (Lark wants an
 * answer within 3 s; a conversation step, with a document to render and
 * upload, may take longer). Tasks with the same key — one chat — run one
 * after the other, so two messages never interleave their session read and
 * write; other chats run concurrently. `idle()` is what a graceful stop waits for.
 */

/** Per-key sequential background tasks. */
export class ChatQueue {
  private readonly tails = new Map<string, Promise<void>>();
  private readonly running = new Set<Promise<void>>();

  /**
   * @param onError called with a task's error (tasks never reject into the caller)
   */
  constructor(private readonly onError: (error: unknown) => void) {}

  /**
   * Queue a task behind the tasks of the same key.
   * @returns a promise that settles when this task has finished (never rejects)
   */
  push(key: string, task: () => Promise<void>): Promise<void> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const done = previous.then(task).catch((error: unknown) => this.onError(error));
    this.tails.set(key, done);
    this.running.add(done);
    void done.finally(() => {
      this.running.delete(done);
      if (this.tails.get(key) === done) this.tails.delete(key);
    });
    return done;
  }

  /** Tasks queued or running. */
  get size(): number {
    return this.running.size;
  }

  /** Resolves once every task queued so far (and any they queue) has finished. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }
}
