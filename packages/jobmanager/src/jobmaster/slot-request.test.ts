import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '@sage/observability';
import { ResourceManager } from '../resourcemanager/resource-manager.js';
import { SlotRequest, unsatisfiableRequest } from './slot-request.js';

describe('SlotRequest', () => {
  let resources: ResourceManager;
  beforeEach(() => {
    vi.useFakeTimers();
    resources = new ResourceManager(10_000, createLogger({ component: 'test', level: 'silent' }));
    // Unroutable ports: the clients are created but never called.
    resources.register('tm-1', '127.0.0.1:1', 1, 1);
  });
  afterEach(() => {
    resources.stop();
    vi.useRealTimers();
  });

  it('reports each timeout period, waits the pause it is given, and takes slots that come meanwhile', () => {
    const pauses = [500, 500];
    const timeouts: number[] = [];
    let allocated: string[] | undefined;
    const request = new SlotRequest(resources, 'job', 2, 1_000, {
      wanted: () => true,
      onAllocated: (slots) => (allocated = slots.map((s) => s.id).sort()),
      onTimeout: () => {
        timeouts.push(Date.now());
        return pauses.shift() ?? null;
      },
    });
    const start = Date.now();
    request.start();
    expect(request.status()).toMatchObject({ needed: 2, free: 1, total: 1, taskManagers: 1 });
    vi.advanceTimersByTime(1_000);
    expect(timeouts).toEqual([start + 1_000]);
    vi.advanceTimersByTime(1_499);
    expect(timeouts.length).toBe(1);
    vi.advanceTimersByTime(1);
    expect(timeouts).toEqual([start + 1_000, start + 2_500]);
    resources.register('tm-2', '127.0.0.1:2', 1, 2);
    expect(allocated).toEqual(['tm-1', 'tm-2']);
    vi.advanceTimersByTime(10_000);
    expect(timeouts.length).toBe(2);
  });

  it('stops waiting when the job gives up', () => {
    let allocated = false;
    const request = new SlotRequest(resources, 'job', 2, 1_000, { wanted: () => true, onAllocated: () => (allocated = true), onTimeout: () => null });
    request.start();
    vi.advanceTimersByTime(1_000);
    resources.register('tm-2', '127.0.0.1:2', 1, 2);
    expect(allocated).toBe(false);
    expect(resources.freeSlots()).toBe(2);
  });

  it('calls a request unsatisfiable only when TaskManagers are registered and all their slots are too few', () => {
    expect(unsatisfiableRequest(resources, 1)).toBeUndefined();
    expect(unsatisfiableRequest(resources, 3)?.message).toMatch(/Job needs 3 slots, more than the cluster has: 1 in all on 1 TaskManager .*lower -p to 1 or less/);
    const empty = new ResourceManager(10_000, createLogger({ component: 'test', level: 'silent' }));
    expect(unsatisfiableRequest(empty, 3)).toBeUndefined();
  });
});
