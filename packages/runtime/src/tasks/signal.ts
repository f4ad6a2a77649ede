/**
 * Wakes a task's mailbox loop. Everything a task may wait for (input data, output credit, mail, a
 * source becoming available) notifies the task's one Signal, and the loop re-checks its conditions,
 * so a task never needs to race several promises.
 */
const RESOLVED = Promise.resolve();

export class Signal {
  private pending = false;
  private resolve: (() => void) | null = null;

  notify(): void {
    const resolve = this.resolve;
    if (resolve !== null) {
      this.resolve = null;
      resolve();
    } else {
      this.pending = true;
    }
  }

  /** Resolves at the next notify(), or at once if one came since the last wait. */
  wait(): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return RESOLVED;
    }
    return new Promise<void>((resolve) => {
      this.resolve = resolve;
    });
  }
}
