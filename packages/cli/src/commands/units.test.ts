import { describe, expect, it } from 'vitest';
import { formatBytes, formatDuration } from './units.js';

describe('sizes and durations for people', () => {
  it('prints bytes in binary units with one decimal', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(2_500_000)).toBe('2.4 MiB');
    expect(formatBytes(3 * 1024 ** 3)).toBe('3.0 GiB');
  });

  it('prints durations in ms, seconds or minutes', () => {
    expect(formatDuration(120)).toBe('120 ms');
    expect(formatDuration(3200)).toBe('3.2 s');
    expect(formatDuration(65_000)).toBe('1 min 5 s');
  });
});
