import { describe, expect, it } from 'vitest';
import { copyStateValue } from './state-value-copy.js';

describe('copies of state values kept for a snapshot in progress', () => {
  it('copies nested objects, arrays, Maps, Sets and Dates deeply, and keeps primitives', () => {
    const value = { a: [1, { b: 'x' }], m: new Map([['k', { n: 1 }]]), s: new Set([1, 2]), d: new Date(5), big: 7n, nil: null };
    const copy = copyStateValue(value);
    expect(copy).toEqual(value);
    value.a.push(2);
    (value.a[1] as { b: string }).b = 'changed';
    value.m.get('k')!.n = 2;
    value.s.add(3);
    value.d.setTime(6);
    expect(copy).toEqual({ a: [1, { b: 'x' }], m: new Map([['k', { n: 1 }]]), s: new Set([1, 2]), d: new Date(5), big: 7n, nil: null });
    expect(copyStateValue(42)).toBe(42);
    expect(copyStateValue('s')).toBe('s');
  });
});
