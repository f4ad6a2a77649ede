import { describe, expect, it } from 'vitest';
import { EventTimeSessionWindows, GlobalWindows, SlidingEventTimeWindows, TumblingEventTimeWindows, TumblingProcessingTimeWindows, windowStart } from './assigners.js';
import { GlobalWindow, TimeWindow } from './windows.js';

const clock = { getCurrentProcessingTime: () => 12_345 };
const spans = (windows: readonly TimeWindow[]) => windows.map((w) => [w.start, w.end]);

describe('window assigners', () => {
  it('align windows to the offset, also before the epoch', () => {
    expect(windowStart(-1, 0, 1000)).toBe(-1000);
    expect(windowStart(999, 0, 1000)).toBe(0);
    expect(windowStart(1000, 0, 1000)).toBe(1000);
    expect(windowStart(250, 300, 1000)).toBe(-700);
    expect(windowStart(-1250, -200, 1000)).toBe(-2200);
  });

  it('give a record the windows Flink gives it', () => {
    expect(spans(TumblingEventTimeWindows.of(1000, 100).assignWindows(null, 1099, clock))).toEqual([[1100 - 1000, 1100]]);
    // Windows start every 400 ms; the one from 0 ends at 1000, just before the record.
    expect(spans(SlidingEventTimeWindows.of(1000, 400).assignWindows(null, 1000, clock))).toEqual([[800, 1800], [400, 1400]]);
    expect(spans(SlidingEventTimeWindows.of(1000, 500).assignWindows(null, 1000, clock))).toEqual([[1000, 2000], [500, 1500]]);
    expect(spans(EventTimeSessionWindows.withGap(30).assignWindows(null, 7, clock))).toEqual([[7, 37]]);
    expect(spans(EventTimeSessionWindows.withDynamicGap((n: number) => n).assignWindows(5, 7, clock))).toEqual([[7, 12]]);
    expect(spans(TumblingProcessingTimeWindows.of(1000).assignWindows(null, 0, clock))).toEqual([[12_000, 13_000]]);
    expect(GlobalWindows.create().assignWindows()).toEqual([GlobalWindow.INSTANCE]);
    expect(new TimeWindow(0, 10).maxTimestamp()).toBe(9);
  });

  it('refuse a dynamic gap that is not a positive number', () => {
    expect(() => EventTimeSessionWindows.withDynamicGap(() => 0).gapOf(1)).toThrow(/positive number/);
  });
});
