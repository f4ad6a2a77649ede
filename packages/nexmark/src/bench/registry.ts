/**
 * Every benchmark `pnpm bench` knows, in the order it runs them. Adding one is a line here: a
 * function returning a Benchmark (see benchmark.ts), and, if the goal compares two benchmarks, a
 * RatioGoal.
 */
import type { Benchmark, RatioGoal } from './benchmark.js';
import { checkpointLargeState } from './checkpoint-large-state.js';
import { checkpointOverhead } from './checkpoint-overhead.js';
import { checkpointRecovery } from './checkpoint-recovery.js';
import { checkpointStateStalls } from './checkpoint-state-stalls.js';
import { clusterShuffle } from './cluster-shuffle.js';
import { kafkaMap } from './kafka-map.js';
import { kafkaMapCluster } from './kafka-map-cluster.js';
import { latency } from './latency.js';
import { chainedPipeline, keyedReduce } from './local-pipelines.js';
import { sessionWindowCount, slidingWindowCount, tumblingWindowCount, windowRatioGoals } from './window-pipelines.js';
import { intervalJoin } from './interval-join.js';

export function registeredBenchmarks(): Benchmark[] {
  return [
    chainedPipeline(),
    keyedReduce(1),
    keyedReduce(2),
    tumblingWindowCount(),
    slidingWindowCount(),
    sessionWindowCount(),
    intervalJoin(),
    clusterShuffle(1, 2),
    clusterShuffle(2, 1),
    checkpointOverhead(),
    checkpointLargeState(),
    checkpointStateStalls(),
    checkpointStateStalls(1000),
    checkpointRecovery(),
    latency(),
    kafkaMap('at-least-once'),
    kafkaMap('exactly-once'),
    kafkaMapCluster('at-least-once'),
    kafkaMapCluster('exactly-once'),
  ];
}

export const ratioGoals: readonly RatioGoal[] = [
  {
    name: 'cluster/2tm-over-1tm',
    description: 'keyed job at p=2: two TaskManager processes against one with two slots',
    numerator: 'cluster/keyed-reduce-2tm-x1',
    denominator: 'cluster/keyed-reduce-1tm-x2',
    goal: 1.6,
  },
  ...windowRatioGoals,
];
