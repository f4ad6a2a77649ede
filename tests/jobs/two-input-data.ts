// Seeded, out-of-order events for the two-input job and its test: both compute them the same way.
export interface Event {
  readonly id: number;
  readonly key: number;
  readonly ts: number;
}

/** `count` events over `span` ms on `keys` keys, in an order out of timestamp order by up to `disorder` ms. */
export function seededEvents(count: number, keys: number, span: number, disorder: number, seed: number): Event[] {
  let state = seed;
  const next = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const list = Array.from({ length: count }, (_, id) => ({ id, key: Math.floor(next() * keys), ts: Math.floor((id * span) / count) }));
  const jitter = list.map((e) => e.ts + next() * disorder);
  return list.map((e, i) => [e, jitter[i]!] as const).sort((a, b) => a[1] - b[1]).map(([e]) => e);
}

export const LEFT = { count: 3_000, keys: 17, span: 60_000, disorder: 1_500, seed: 21 } as const;
export const RIGHT = { count: 4_000, keys: 17, span: 60_000, disorder: 1_500, seed: 22 } as const;
export const BOUNDS = { lower: -250, upper: 400 } as const;
