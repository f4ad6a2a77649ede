import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '@sage/observability';
import { ResourceManager } from './resource-manager.js';

describe('ResourceManager', () => {
  let resources: ResourceManager;
  afterEach(() => resources.stop());

  it('hands out no slots of a TaskManager whose connection failed until it heartbeats again', () => {
    resources = new ResourceManager(10_000, createLogger({ component: 'test', level: 'silent' }));
    // Unroutable ports: the clients are created but never called.
    resources.register('tm-1', '127.0.0.1:1', 1, 1);
    resources.register('tm-2', '127.0.0.1:2', 1, 2);
    resources.register('tm-3', '127.0.0.1:3', 1, 3);
    let available = 0;
    resources.on('slotsAvailable', () => available++);

    resources.suspectUnreachable('tm-1', 'a peer lost its record stream from it');
    expect(resources.freeSlots()).toBe(2);
    expect(resources.totalSlots()).toBe(3);
    expect(resources.allocate('job', 3)).toBeUndefined();
    expect(resources.allocate('job', 2)!.map((tm) => tm.id).sort()).toEqual(['tm-2', 'tm-3']);
    resources.release('job');

    available = 0;
    expect(resources.heartbeat('tm-1')).toBe(true);
    expect(available).toBe(1);
    expect(resources.allocate('job', 3)!.map((tm) => tm.id).sort()).toEqual(['tm-1', 'tm-2', 'tm-3']);
  });
});
