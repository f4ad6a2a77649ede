/**
 * Keyed state of one key *and one window* (windowState() of a ProcessWindowFunction, partitioned
 * state of a trigger). The heap backend has no namespaces; these states live in tables of their own
 * (named with a prefix) under a composite state key of the key and the window, in the key's key
 * group, so they are snapshotted, restored and rescaled with the key's other state. The composite key
 * is swapped in only for the duration of each state call, so window and global state can be used
 * side by side.
 */
import type { KeyedStateStore, StateDescriptor, StateFor } from '@sage/core';
import type { HeapKeyedStateBackend } from '../../state/heap-keyed-state-backend.js';

export class WindowScopedStateStore implements KeyedStateStore {
  /** The composite state key of the current key and window; set by the operator before user code runs. */
  namespace: unknown = undefined;
  private readonly states = new Map<string, unknown>();

  constructor(
    private readonly backend: HeapKeyedStateBackend,
    /** Keeps these tables apart from the key's global state of the same name. */
    private readonly prefix: string,
  ) {}

  /** Scopes the store to the backend's current key and the window [start, end). */
  scopeTo(start: number, end: number): void {
    const stateKey = this.backend.currentStateKey;
    this.namespace = `${typeof stateKey === 'string' ? 's' : 'o'}${String(stateKey)}\u0000${start}\u0000${end}`;
  }

  getState<D extends StateDescriptor>(descriptor: D): StateFor<D> {
    const known = this.states.get(descriptor.name);
    if (known !== undefined) return known as StateFor<D>;
    const renamed = Object.assign(Object.create(Object.getPrototypeOf(descriptor) as object) as D, descriptor, { name: this.prefix + descriptor.name });
    const state = scoped(this.backend.getState(renamed) as object, this.backend, this);
    this.states.set(descriptor.name, state);
    return state as StateFor<D>;
  }
}

/** A state object whose every call runs with the store's composite key as the backend's state key. */
function scoped(inner: object, backend: HeapKeyedStateBackend, store: WindowScopedStateStore): object {
  const methods = new Map<PropertyKey, unknown>();
  return new Proxy(inner, {
    get(target, property) {
      const member = (target as Record<PropertyKey, unknown>)[property];
      if (typeof member !== 'function') return member;
      let method = methods.get(property);
      if (method === undefined) {
        method = (...args: unknown[]): unknown => {
          const saved = backend.currentStateKey;
          backend.currentStateKey = store.namespace;
          try {
            const result = (member as (...a: unknown[]) => unknown).apply(target, args);
            // Iterators of MapState read lazily: read them while the window's key is in place.
            if (result !== null && typeof result === 'object' && !Array.isArray(result) && typeof (result as Iterator<unknown>).next === 'function') {
              return [...(result as Iterable<unknown>)][Symbol.iterator]();
            }
            return result;
          } finally {
            backend.currentStateKey = saved;
          }
        };
        methods.set(property, method);
      }
      return method;
    },
  });
}
