/**
 * A job attempt's request for slots, with its timeout (Flink's slot request and
 * `slot.request.timeout`). The slots are allocated as soon as enough are free: now, or when the
 * ResourceManager says slots may have appeared (a TaskManager registered or heartbeats again, a job
 * released its slots). Every timeout period without them is reported to the job, which answers, as
 * its restart strategy does for a failure, whether to go on and after what pause the next period
 * starts; slots that come during the pause are taken all the same.
 */
import type { FailureCause, SlotWait__Output } from '@sage/rpc';
import type { RegisteredTaskManager, ResourceManager } from '../resourcemanager/resource-manager.js';

export interface SlotRequestHandlers {
  /** Whether the job still wants slots (it may have been cancelled meanwhile). */
  readonly wanted: () => boolean;
  readonly onAllocated: (slots: RegisteredTaskManager[]) => void;
  /** A timeout period passed without slots: the pause before the next one, or null to give up. */
  readonly onTimeout: () => number | null;
}

export class SlotRequest {
  readonly since = Date.now();
  private timer: NodeJS.Timeout | undefined;
  private readonly tryAllocate = () => this.allocate();

  constructor(
    private readonly resources: ResourceManager,
    private readonly jobId: string,
    readonly needed: number,
    private readonly timeoutMs: number,
    private readonly handlers: SlotRequestHandlers,
  ) {}

  start(): void {
    this.resources.on('slotsAvailable', this.tryAllocate);
    this.timer = setTimeout(() => this.timedOut(), this.timeoutMs);
    this.allocate();
  }

  cancel(): void {
    clearTimeout(this.timer);
    this.resources.off('slotsAvailable', this.tryAllocate);
  }

  /** What the job waits for and what the cluster has, for `sage status`. */
  status(): SlotWait__Output {
    return {
      needed: this.needed,
      free: this.resources.freeSlots(),
      total: this.resources.totalSlots(),
      taskManagers: this.resources.all().length,
      since: this.since,
    };
  }

  /** The failure a timeout period stands for, in the words a user needs. */
  timeoutCause(): FailureCause {
    const { free, total, taskManagers } = this.status();
    return {
      code: 'SlotsUnavailable',
      message:
        `Job needs ${this.needed} slots, the cluster has ${free} free (${total} in all on ${taskManagersText(taskManagers)}) ` +
        `after waiting ${this.timeoutMs} ms — start more TaskManagers, give them more --slots, or lower -p`,
      stack: '',
      location: 'JobManager scheduler',
    };
  }

  private allocate(): void {
    if (!this.handlers.wanted()) return;
    const slots = this.resources.allocate(this.jobId, this.needed);
    if (slots === undefined) return;
    this.cancel();
    this.handlers.onAllocated(slots);
  }

  private timedOut(): void {
    if (!this.handlers.wanted()) return;
    const pause = this.handlers.onTimeout();
    if (pause === null) {
      this.cancel();
      return;
    }
    this.timer = setTimeout(() => this.timedOut(), pause + this.timeoutMs);
  }
}

/**
 * Why a new job can never run on the TaskManagers registered now, or undefined if it can or if none is
 * registered yet (a cluster that is starting). More TaskManagers may still come, but a job submitted
 * to a cluster too small for it is far more often a wrong -p, and waiting in silence helps nobody.
 */
export function unsatisfiableRequest(resources: ResourceManager, needed: number): FailureCause | undefined {
  const taskManagers = resources.all().length;
  const total = resources.totalSlots();
  if (taskManagers === 0 || total >= needed) return undefined;
  return {
    code: 'SlotsUnavailable',
    message:
      `Job needs ${needed} slots, more than the cluster has: ${total} in all on ${taskManagersText(taskManagers)} ` +
      `— start more TaskManagers, give them more --slots, or lower -p to ${total} or less`,
    stack: '',
    location: 'JobManager scheduler',
  };
}

function taskManagersText(count: number): string {
  return `${count} TaskManager${count === 1 ? '' : 's'}`;
}
