/**
 * Combines the watermarks of several outputs (a source's splits) into one, as Flink's
 * WatermarkOutputMultiplexer: the combined watermark is the minimum over the outputs that are not
 * idle; when every output is idle, the combined output is idle. It only ever rises.
 *
 * Each output is reached two ways: the immediate output recomputes the combination at every call
 * (for watermarks a generator emits on an event), the deferred one only records the output's value
 * until onPeriodicEmit() (for periodic emission, so that N splits cost one combination, not N).
 * An output that was unregistered (a finished split) no longer counts, as if its watermark were
 * +Infinity. With no output registered at all the combined output is idle: a subtask that owns no
 * split must not hold back event time downstream.
 */
import type { WatermarkOutput } from '@sage/core';

class PartialWatermark implements WatermarkOutput {
  watermark = Number.NEGATIVE_INFINITY;
  idle = false;

  constructor(
    private readonly multiplexer: WatermarkOutputMultiplexer,
    private readonly immediate: boolean,
    /** The deferred twin shares this state: the immediate output writes through it. */
    private readonly state: PartialWatermark | null,
  ) {}

  emitWatermark(watermark: number): void {
    const state = this.state ?? this;
    state.idle = false;
    if (watermark > state.watermark) state.watermark = watermark;
    if (this.immediate) this.multiplexer.updateCombinedWatermark();
  }

  markIdle(): void {
    (this.state ?? this).idle = true;
    if (this.immediate) this.multiplexer.updateCombinedWatermark();
  }

  markActive(): void {
    (this.state ?? this).idle = false;
    if (this.immediate) this.multiplexer.updateCombinedWatermark();
  }
}

interface RegisteredOutput {
  readonly deferred: PartialWatermark;
  readonly immediate: PartialWatermark;
}

export class WatermarkOutputMultiplexer {
  private readonly outputs = new Map<string, RegisteredOutput>();
  /** Iterated on every update; kept beside the map so that no iterator is allocated. */
  private partials: PartialWatermark[] = [];
  private combined = Number.NEGATIVE_INFINITY;
  private idle = false;

  constructor(private readonly underlying: WatermarkOutput) {}

  /** Adds an output, starting active at -Infinity: it holds the combination back until it emits. */
  registerNewOutput(id: string): void {
    if (this.outputs.has(id)) throw new Error(`Watermark output '${id}' is already registered`);
    const deferred = new PartialWatermark(this, false, null);
    const immediate = new PartialWatermark(this, true, deferred);
    this.outputs.set(id, { deferred, immediate });
    this.partials.push(deferred);
    if (this.idle) {
      this.idle = false;
      this.underlying.markActive();
    }
  }

  /** Removes an output; returns false when it was not registered. Takes effect at the next update. */
  unregisterOutput(id: string): boolean {
    const output = this.outputs.get(id);
    if (output === undefined) return false;
    this.outputs.delete(id);
    this.partials = this.partials.filter((p) => p !== output.deferred);
    return true;
  }

  has(id: string): boolean {
    return this.outputs.has(id);
  }

  get size(): number {
    return this.outputs.size;
  }

  getImmediateOutput(id: string): WatermarkOutput {
    return this.registered(id).immediate;
  }

  getDeferredOutput(id: string): WatermarkOutput {
    return this.registered(id).deferred;
  }

  /** Combines what the deferred outputs recorded since the last update. */
  onPeriodicEmit(): void {
    this.updateCombinedWatermark();
  }

  updateCombinedWatermark(): void {
    const partials = this.partials;
    let minimum = Number.POSITIVE_INFINITY;
    let allIdle = true;
    for (let i = 0; i < partials.length; i++) {
      const partial = partials[i]!;
      if (partial.idle) continue;
      allIdle = false;
      if (partial.watermark < minimum) minimum = partial.watermark;
    }
    if (allIdle) {
      if (!this.idle) {
        this.idle = true;
        this.underlying.markIdle();
      }
      return;
    }
    const wasIdle = this.idle;
    this.idle = false;
    if (minimum > this.combined) {
      this.combined = minimum;
      this.underlying.emitWatermark(minimum);
    } else if (wasIdle) {
      // Active again below the combined watermark: downstream must count this input again all the same.
      this.underlying.markActive();
    }
  }

  private registered(id: string): RegisteredOutput {
    const output = this.outputs.get(id);
    if (output === undefined) throw new Error(`Watermark output '${id}' is not registered`);
    return output;
  }
}
