/**
 * Processing time for operators: the clock, and timers whose callbacks run in the task's mailbox, so
 * they never fire between two halves of a record and need no locking (Flink's ProcessingTimeService).
 */
import type { Mailbox } from '../tasks/mailbox.js';

export interface ScheduledTimer {
  cancel(): void;
}

export interface ProcessingTimeService {
  /** Milliseconds since the epoch. */
  getCurrentProcessingTime(): number;
  /** Runs `callback(timestamp)` in the task's loop once the clock has reached `timestamp`. */
  registerTimer(timestamp: number, callback: (timestamp: number) => void): ScheduledTimer;
}

export class MailboxProcessingTimeService implements ProcessingTimeService {
  private readonly pending = new Set<NodeJS.Timeout>();
  private shutDown = false;

  constructor(private readonly mailbox: Mailbox) {}

  getCurrentProcessingTime(): number {
    return Date.now();
  }

  registerTimer(timestamp: number, callback: (timestamp: number) => void): ScheduledTimer {
    if (this.shutDown) return NOT_SCHEDULED;
    const handle = setTimeout(
      () => {
        this.pending.delete(handle);
        if (!this.shutDown) this.mailbox.put(() => callback(timestamp));
      },
      Math.max(0, timestamp - Date.now()),
    );
    this.pending.add(handle);
    return {
      cancel: () => {
        clearTimeout(handle);
        this.pending.delete(handle);
      },
    };
  }

  /** The task ends: no timer fires any more (as Flink, processing-time timers do not fire at the end of input). */
  shutdown(): void {
    this.shutDown = true;
    for (const handle of this.pending) clearTimeout(handle);
    this.pending.clear();
  }
}

const NOT_SCHEDULED: ScheduledTimer = { cancel() {} };
