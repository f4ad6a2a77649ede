export { measureInterleaved, type Benchmark, type Measurement, type Result } from './bench/benchmark.js';
