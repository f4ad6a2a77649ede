/**
 * A deterministic 32-bit hash of a key, equal in every process and on every machine: it decides which
 * subtask owns a key, so it must never depend on insertion order, object identity or the platform.
 * Strings hash like Java's String.hashCode; integers hash to themselves; other numbers by their bits.
 *
 * The key rules (README, "Keys"): `0` and `-0` are one key. `null` and `undefined` are refused as a
 * key (as Flink refuses null keys: they are nearly always a missing field), `undefined` and `NaN`
 * anywhere in a key (NaN has many bit patterns, and JSON, which state keys are made of, drops
 * `undefined` and writes NaN as null), and functions and symbols. `null` inside an array or object is
 * a value like any other. Refusing costs no more than the type checks the hash makes anyway.
 */
import { InvalidKey } from '../errors.js';

const float64 = new Float64Array(1);
const float64Words = new Int32Array(float64.buffer);

/** `operatorName` names the keyed operator in the InvalidKey error a refused key raises. */
export function hashKey(key: unknown, operatorName?: string): number {
  if (key === null || key === undefined) throw new InvalidKey(operatorName, key, key);
  return hashPart(key, key, operatorName);
}

function hashPart(part: unknown, key: unknown, operatorName: string | undefined): number {
  switch (typeof part) {
    case 'string':
      return hashString(part);
    case 'number':
      if ((part | 0) === part) return part | 0; // -0 | 0 is 0: -0 and 0 are one key
      if (part !== part) throw new InvalidKey(operatorName, key, part);
      float64[0] = part;
      return (float64Words[0]! ^ float64Words[1]!) | 0;
    case 'boolean':
      return part ? 1231 : 1237;
    case 'bigint':
      return hashString(part.toString()) ^ 0x2b;
    case 'object':
      return part === null ? 0 : hashObject(part, key, operatorName);
    default:
      throw new InvalidKey(operatorName, key, part);
  }
}

function hashString(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

function hashObject(o: object, key: unknown, operatorName: string | undefined): number {
  if (Array.isArray(o)) {
    let h = 1;
    for (let i = 0; i < o.length; i++) h = (Math.imul(h, 31) + hashPart(o[i], key, operatorName)) | 0;
    return h;
  }
  if (o instanceof Date) return hashPart(o.getTime(), key, operatorName);
  if (o instanceof Uint8Array) {
    let h = 1;
    for (let i = 0; i < o.length; i++) h = (Math.imul(h, 31) + o[i]!) | 0;
    return h;
  }
  const names = Object.keys(o).sort();
  let h = 7;
  for (const name of names) {
    h = (Math.imul(h, 31) + (hashString(name) ^ hashPart((o as Record<string, unknown>)[name], key, operatorName))) | 0;
  }
  return h;
}
