import { describe, expect, it } from 'vitest';
import type { WatermarkOutput } from '@sage/core';
import { WatermarkOutputMultiplexer } from './watermark-output-multiplexer.js';

/** What reached the combined output, in order: a number per watermark, 'idle' / 'active' per status change. */
function recordingOutput(): WatermarkOutput & { events: (number | 'idle' | 'active')[] } {
  const events: (number | 'idle' | 'active')[] = [];
  return {
    events,
    emitWatermark: (watermark) => events.push(watermark),
    markIdle: () => events.push('idle'),
    markActive: () => events.push('active'),
  };
}

describe('WatermarkOutputMultiplexer', () => {
  it('emits the minimum over its outputs, and only when it rises', () => {
    const out = recordingOutput();
    const mux = new WatermarkOutputMultiplexer(out);
    mux.registerNewOutput('p0');
    mux.registerNewOutput('p1');
    mux.getImmediateOutput('p0').emitWatermark(100);
    expect(out.events).toEqual([]); // p1 still at -Infinity holds it back
    mux.getImmediateOutput('p1').emitWatermark(50);
    mux.getImmediateOutput('p1').emitWatermark(70);
    mux.getImmediateOutput('p1').emitWatermark(60); // lower than p1's own: ignored
    mux.getImmediateOutput('p1').emitWatermark(150);
    expect(out.events).toEqual([50, 70, 100]);
  });

  it('combines deferred outputs only at the periodic emit', () => {
    const out = recordingOutput();
    const mux = new WatermarkOutputMultiplexer(out);
    mux.registerNewOutput('a');
    mux.registerNewOutput('b');
    mux.getDeferredOutput('a').emitWatermark(10);
    mux.getDeferredOutput('b').emitWatermark(20);
    mux.getDeferredOutput('a').emitWatermark(30);
    expect(out.events).toEqual([]);
    mux.onPeriodicEmit();
    expect(out.events).toEqual([20]);
    mux.onPeriodicEmit();
    expect(out.events).toEqual([20]);
  });

  it('leaves idle outputs out, and marks the combined output idle when all are idle', () => {
    const out = recordingOutput();
    const mux = new WatermarkOutputMultiplexer(out);
    mux.registerNewOutput('busy');
    mux.registerNewOutput('quiet');
    mux.getImmediateOutput('busy').emitWatermark(1_000);
    mux.getImmediateOutput('quiet').markIdle();
    expect(out.events).toEqual([1_000]);
    mux.getImmediateOutput('busy').markIdle();
    expect(out.events).toEqual([1_000, 'idle']);
    // A split that wakes up below the combined watermark makes the source active, without a watermark.
    mux.getImmediateOutput('quiet').emitWatermark(500);
    expect(out.events).toEqual([1_000, 'idle', 'active']);
    mux.getImmediateOutput('quiet').emitWatermark(2_000);
    expect(out.events).toEqual([1_000, 'idle', 'active', 2_000]);
  });

  it('stops counting an unregistered (finished) output, as if it were at +Infinity', () => {
    const out = recordingOutput();
    const mux = new WatermarkOutputMultiplexer(out);
    mux.registerNewOutput('slow');
    mux.registerNewOutput('fast');
    mux.getImmediateOutput('slow').emitWatermark(5);
    mux.getImmediateOutput('fast').emitWatermark(500);
    expect(mux.unregisterOutput('slow')).toBe(true);
    expect(mux.unregisterOutput('slow')).toBe(false);
    mux.onPeriodicEmit();
    expect(out.events).toEqual([5, 500]);
  });

  it('is idle with no output at all, and active again once one is registered', () => {
    const out = recordingOutput();
    const mux = new WatermarkOutputMultiplexer(out);
    mux.onPeriodicEmit();
    expect(out.events).toEqual(['idle']);
    mux.registerNewOutput('late-partition');
    expect(out.events).toEqual(['idle', 'active']);
    mux.getDeferredOutput('late-partition').emitWatermark(42);
    mux.onPeriodicEmit();
    expect(out.events).toEqual(['idle', 'active', 42]);
  });

  it('refuses to register an output twice, and names an unknown one', () => {
    const mux = new WatermarkOutputMultiplexer(recordingOutput());
    mux.registerNewOutput('p0');
    expect(() => mux.registerNewOutput('p0')).toThrow(/already registered/);
    expect(() => mux.getImmediateOutput('p9')).toThrow(/'p9' is not registered/);
  });
});
