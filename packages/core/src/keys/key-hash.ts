/**
 * A deterministic 32-bit hash of a key, equal in every process and on every machine: it decides which
 * subtask owns a key, so it must never depend on insertion order, object identity or the platform.
 * Strings hash like Java's String.hashCode; integers hash to themselves; other numbers by their bits.
 */
const float64 = new Float64Array(1);
const float64Words = new Int32Array(float64.buffer);

export function hashKey(key: unknown): number {
  switch (typeof key) {
    case 'string':
      return hashString(key);
    case 'number':
      return hashNumber(key);
    case 'boolean':
      return key ? 1231 : 1237;
    case 'bigint':
      return hashString(key.toString()) ^ 0x2b;
    case 'undefined':
      return 0;
    case 'object':
      return key === null ? 0 : hashObject(key);
    default:
      throw new TypeError(`Cannot use a ${typeof key} as a key: keys must be strings, numbers, booleans, bigints, arrays or plain objects of those`);
  }
}

function hashString(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

function hashNumber(n: number): number {
  if ((n | 0) === n) return n | 0;
  float64[0] = n === 0 ? 0 : n; // -0 and 0 are the same key
  return (float64Words[0]! ^ float64Words[1]!) | 0;
}

function hashObject(o: object): number {
  if (Array.isArray(o)) {
    let h = 1;
    for (let i = 0; i < o.length; i++) h = (Math.imul(h, 31) + hashKey(o[i])) | 0;
    return h;
  }
  if (o instanceof Date) return hashNumber(o.getTime());
  if (o instanceof Uint8Array) {
    let h = 1;
    for (let i = 0; i < o.length; i++) h = (Math.imul(h, 31) + o[i]!) | 0;
    return h;
  }
  const names = Object.keys(o).sort();
  let h = 7;
  for (const name of names) {
    h = (Math.imul(h, 31) + (hashString(name) ^ hashKey((o as Record<string, unknown>)[name]))) | 0;
  }
  return h;
}
