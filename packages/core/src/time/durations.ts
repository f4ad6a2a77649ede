/** Durations in milliseconds, for window sizes, gaps, lateness and TTLs: `minutes(10)` reads better than 600000. */
export const milliseconds = (n: number): number => n;
export const seconds = (n: number): number => n * 1000;
export const minutes = (n: number): number => n * 60_000;
export const hours = (n: number): number => n * 3_600_000;
export const days = (n: number): number => n * 86_400_000;
