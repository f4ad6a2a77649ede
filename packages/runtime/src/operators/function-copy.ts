/**
 * Each subtask gets its own copy of a user function object, as Flink gives each subtask its own
 * deserialized copy: state handles and fields set in `open()` must not be shared by the subtasks that
 * run in one process. The copy keeps the prototype (the class and its methods) and deep-copies the
 * fields; functions inside are shared, since code has no per-subtask state. (Variables a plain arrow
 * function closes over cannot be copied: keep per-subtask state in keyed state or in class fields.)
 */
export function copyUserFunction<T>(fn: T): T {
  if (fn === null || typeof fn !== 'object') return fn;
  return copyValue(fn, new Map()) as T;
}

function copyValue(value: unknown, copies: Map<object, unknown>): unknown {
  if (value === null || typeof value !== 'object') return value;
  const known = copies.get(value);
  if (known !== undefined) return known;
  if (Array.isArray(value)) {
    const copy: unknown[] = [];
    copies.set(value, copy);
    for (const item of value) copy.push(copyValue(item, copies));
    return copy;
  }
  if (value instanceof Map) {
    const copy = new Map();
    copies.set(value, copy);
    for (const [k, v] of value) copy.set(copyValue(k, copies), copyValue(v, copies));
    return copy;
  }
  if (value instanceof Set) {
    const copy = new Set();
    copies.set(value, copy);
    for (const v of value) copy.add(copyValue(v, copies));
    return copy;
  }
  if (value instanceof Date) return new Date(value.getTime());
  if (value instanceof RegExp) return new RegExp(value.source, value.flags);
  if (ArrayBuffer.isView(value)) return (value as unknown as { slice(): unknown }).slice();
  if (value instanceof Promise || value instanceof WeakMap || value instanceof WeakSet) return value;
  const copy = Object.create(Object.getPrototypeOf(value) as object | null) as object;
  copies.set(value, copy);
  for (const key of Reflect.ownKeys(value)) {
    const descriptor = Object.getOwnPropertyDescriptor(value, key)!;
    if ('value' in descriptor) descriptor.value = copyValue(descriptor.value, copies);
    Object.defineProperty(copy, key, descriptor);
  }
  return copy;
}
