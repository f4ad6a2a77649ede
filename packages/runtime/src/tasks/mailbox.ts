/**
 * Actions for a task to run in its own loop, between two inputs: checkpoint triggers, notifications,
 * timers. Running them there, rather than from whatever callback delivered them, means an action
 * never sees an operator in the middle of a record.
 */
import type { Signal } from './signal.js';

export type Mail = () => void | Promise<void>;

export class Mailbox {
  private readonly mails: Mail[] = [];

  constructor(private readonly signal: Signal) {}

  put(mail: Mail): void {
    this.mails.push(mail);
    this.signal.notify();
  }

  get hasMail(): boolean {
    return this.mails.length > 0;
  }

  async runAll(): Promise<void> {
    while (this.mails.length > 0) await this.mails.shift()!();
  }
}
