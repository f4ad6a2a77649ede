/**
 * The ResourceManager keeps the registry of TaskManagers: their addresses, slots and heartbeats. It
 * hands out slots to jobs, spreading a job over as many TaskManagers as it can, and declares a
 * TaskManager lost when its heartbeats stop. A TaskManager whose connection failed (a call to it, or
 * a peer's record stream from it) is excluded from allocation until it heartbeats again, so that a
 * restart is not deployed onto a process that is gone but not yet timed out.
 */
import { EventEmitter } from 'node:events';
import { createTaskManagerClient, type TaskManagerClient } from '@sage/rpc';
import type { Logger } from '@sage/observability';

export interface RegisteredTaskManager {
  readonly id: string;
  readonly address: string;
  readonly slots: number;
  readonly pid: number;
  readonly client: TaskManagerClient;
  lastHeartbeat: number;
  /** Slot index → the job using it. */
  readonly allocations: (string | undefined)[];
}

export interface ResourceManagerEvents {
  /** Free slots may have appeared: a TaskManager registered or a job released its slots. */
  slotsAvailable: [];
  /** A TaskManager stopped heartbeating. */
  taskManagerLost: [taskManager: RegisteredTaskManager, reason: string];
}

export class ResourceManager extends EventEmitter<ResourceManagerEvents> {
  private readonly taskManagers = new Map<string, RegisteredTaskManager>();
  /** TaskManagers whose connection failed, by id, with the reason: no slots of theirs are handed out. */
  private readonly unreachable = new Map<string, string>();
  private monitor: NodeJS.Timeout | undefined;

  constructor(
    private readonly heartbeatTimeoutMs: number,
    private readonly log: Logger,
  ) {
    super();
  }

  start(): void {
    this.monitor = setInterval(() => this.checkHeartbeats(), Math.min(1_000, Math.max(50, this.heartbeatTimeoutMs / 4)));
  }

  stop(): void {
    clearInterval(this.monitor);
    for (const tm of this.taskManagers.values()) tm.client.close();
  }

  register(id: string, address: string, slots: number, pid: number): void {
    const previous = this.taskManagers.get(id);
    if (previous) {
      // Same id registering again: the process restarted; whatever ran on the old one is gone.
      this.markLost(previous, `TaskManager ${id} (${previous.address}) registered again after a restart`);
    }
    this.taskManagers.set(id, {
      id,
      address,
      slots,
      pid,
      client: createTaskManagerClient(address),
      lastHeartbeat: Date.now(),
      allocations: new Array<string | undefined>(slots).fill(undefined),
    });
    this.log.info({ taskManager: id, address, slots }, 'TaskManager registered');
    this.emit('slotsAvailable');
  }

  /** Records a heartbeat; false when the TaskManager is unknown (lost, or registered with another JobManager). */
  heartbeat(id: string): boolean {
    const tm = this.taskManagers.get(id);
    if (!tm) return false;
    tm.lastHeartbeat = Date.now();
    if (this.unreachable.delete(id)) {
      this.log.info({ taskManager: id, address: tm.address }, `TaskManager ${id} heartbeats again; its slots can be allocated again`);
      this.emit('slotsAvailable');
    }
    return true;
  }

  get(id: string): RegisteredTaskManager | undefined {
    return this.taskManagers.get(id);
  }

  all(): RegisteredTaskManager[] {
    return [...this.taskManagers.values()];
  }

  totalSlots(): number {
    return this.all().reduce((n, tm) => n + tm.slots, 0);
  }

  /** Free slots that can be allocated now: those of TaskManagers excluded as unreachable do not count. */
  freeSlots(): number {
    return this.allocatable().reduce((n, tm) => n + tm.allocations.filter((a) => a === undefined).length, 0);
  }

  /** TaskManagers excluded from allocation until they heartbeat again. */
  unreachableCount(): number {
    return this.unreachable.size;
  }

  /**
   * Allocates `count` slots to a job, or none if there are not that many free. Slots are taken one
   * at a time from the TaskManager with the most free slots, so a job spreads over the cluster.
   */
  allocate(jobId: string, count: number): RegisteredTaskManager[] | undefined {
    if (this.freeSlots() < count) return undefined;
    const free = new Map(this.allocatable().map((tm) => [tm, tm.allocations.filter((a) => a === undefined).length]));
    const result: RegisteredTaskManager[] = [];
    for (let i = 0; i < count; i++) {
      let best: RegisteredTaskManager | undefined;
      for (const [tm, n] of free) if (n > 0 && (best === undefined || n > free.get(best)!)) best = tm;
      free.set(best!, free.get(best!)! - 1);
      best!.allocations[best!.allocations.indexOf(undefined)] = jobId;
      result.push(best!);
    }
    return result;
  }

  release(jobId: string): void {
    let released = false;
    for (const tm of this.taskManagers.values()) {
      for (let i = 0; i < tm.allocations.length; i++) {
        if (tm.allocations[i] === jobId) {
          tm.allocations[i] = undefined;
          released = true;
        }
      }
    }
    if (released) this.emit('slotsAvailable');
  }

  /**
   * A call to this TaskManager found nobody listening: it is gone (killed, or its machine is), so it
   * is lost now rather than after the heartbeat timeout, and a restart does not deploy onto it again.
   */
  reportUnreachable(id: string, reason: string): void {
    const tm = this.taskManagers.get(id);
    if (tm !== undefined) this.markLost(tm, `TaskManager ${tm.id} (${tm.address}) was lost: ${reason}`);
  }

  /**
   * A connection to this TaskManager failed, seen second hand (a peer lost its record stream) or on a
   * call that may have failed for another reason (a deadline): it may be gone, or only slow. Until it
   * heartbeats again no job is deployed onto it; if it is gone, the heartbeat timeout declares it lost.
   */
  suspectUnreachable(id: string, reason: string): void {
    const tm = this.taskManagers.get(id);
    if (tm === undefined || this.unreachable.has(id)) return;
    this.unreachable.set(id, reason);
    this.log.warn({ taskManager: id, address: tm.address, reason }, `TaskManager ${id} excluded from slot allocation until it heartbeats again: ${reason}`);
  }

  private allocatable(): RegisteredTaskManager[] {
    return this.all().filter((tm) => !this.unreachable.has(tm.id));
  }

  private checkHeartbeats(): void {
    const now = Date.now();
    for (const tm of this.all()) {
      const silentFor = now - tm.lastHeartbeat;
      if (silentFor > this.heartbeatTimeoutMs) {
        this.markLost(tm, `TaskManager ${tm.id} (${tm.address}) was lost: no heartbeat for ${silentFor} ms`);
      }
    }
  }

  private markLost(tm: RegisteredTaskManager, reason: string): void {
    this.taskManagers.delete(tm.id);
    this.unreachable.delete(tm.id);
    tm.client.close();
    this.log.warn({ taskManager: tm.id, address: tm.address }, reason);
    this.emit('taskManagerLost', tm, reason);
  }
}
