/**
 * The StreamExecutionEnvironment: where a job starts. Sources are created here; settings here are the
 * defaults of every operator (`-p` on the command line sets the default parallelism).
 */
import { CollectionSource } from '../connectors/collection-source.js';
import { SequenceSource } from '../connectors/sequence-source.js';
import type { Source } from '../connectors/source.js';
import { compileJobGraph } from '../graph/compiler.js';
import type { JobGraph } from '../graph/job-graph.js';
import { StreamGraph } from '../graph/stream-graph.js';
import { DEFAULT_MAX_PARALLELISM } from '../keys/key-groups.js';
import { SingleOutputStream } from './data-stream.js';
import { checkCheckpointConfig, type CheckpointConfig, type CheckpointingOptions } from '../config/checkpoint-config.js';
import type { RestartStrategyConfig } from '../config/restart-strategies.js';
import { ExecutionConfig } from './execution-config.js';
import { WatermarkStrategy } from '../time/watermark-strategy.js';

export interface EnvironmentOptions {
  readonly jobName?: string;
  readonly parallelism?: number;
  readonly maxParallelism?: number;
}

export interface SourceOptions {
  /** Operator name; defaults to `Source: <the source's name>`. */
  readonly name?: string;
  readonly uid?: string;
  readonly parallelism?: number;
}

export class StreamExecutionEnvironment {
  private readonly graph = new StreamGraph();
  private jobName: string;
  private parallelism: number;
  private maxParallelism: number;
  private checkpointing: CheckpointConfig | null = null;
  private restartStrategy: RestartStrategyConfig | null = null;
  private readonly config = new ExecutionConfig();

  constructor(options: EnvironmentOptions = {}) {
    this.jobName = options.jobName ?? 'Sage job';
    this.parallelism = options.parallelism ?? 1;
    this.maxParallelism = options.maxParallelism ?? DEFAULT_MAX_PARALLELISM;
  }

  setJobName(name: string): this {
    this.jobName = name;
    return this;
  }

  getJobName(): string {
    return this.jobName;
  }

  /** The parallelism of operators that do not set their own. */
  setParallelism(parallelism: number): this {
    this.parallelism = parallelism;
    return this;
  }

  getParallelism(): number {
    return this.parallelism;
  }

  /** The number of key groups: the upper bound of any keyed operator's parallelism, fixed for the job's lifetime. */
  setMaxParallelism(maxParallelism: number): this {
    this.maxParallelism = maxParallelism;
    return this;
  }

  getMaxParallelism(): number {
    return this.maxParallelism;
  }

  /**
   * Takes a checkpoint every `intervalMs`: sources record their positions, barriers flow with the
   * records, every operator snapshots its state, and transactional sinks commit when a checkpoint
   * completes. After a failure the job restarts from the latest completed checkpoint.
   */
  enableCheckpointing(intervalMs: number, options: CheckpointingOptions = {}): this {
    this.checkpointing = checkCheckpointConfig({ ...options, intervalMs });
    return this;
  }

  getCheckpointConfig(): CheckpointConfig | null {
    return this.checkpointing;
  }

  /** What happens after a failure; see RestartStrategies. Without one, the cluster's default applies. */
  setRestartStrategy(strategy: RestartStrategyConfig): this {
    this.restartStrategy = strategy;
    return this;
  }

  /** Settings such as the auto-watermark interval. */
  getConfig(): ExecutionConfig {
    return this.config;
  }

  /** The given elements, in order, from one subtask. */
  fromElements<T>(...elements: T[]): SingleOutputStream<T> {
    return this.fromSource(new CollectionSource(elements), { name: 'Source: Elements' });
  }

  /** The elements of an iterable, in order, from one subtask. */
  fromCollection<T>(elements: Iterable<T>): SingleOutputStream<T> {
    if (elements == null || typeof (elements as Iterable<T>)[Symbol.iterator] !== 'function') {
      throw new TypeError('fromCollection() takes an iterable (an array, a Set, a generator result, ...)');
    }
    return this.fromSource(new CollectionSource(elements), { name: 'Source: Collection' });
  }

  /**
   * The integers from..to, both included, spread over the subtasks in contiguous ranges; with
   * `recordsPerSecond`, no faster than that in all (a data generator for demos and tests).
   */
  fromSequence(from: number, to: number, options: { recordsPerSecond?: number } = {}): SingleOutputStream<number> {
    return this.fromSource(new SequenceSource(from, to, options), { name: 'Source: Sequence' });
  }

  /**
   * Reads a Source. With a WatermarkStrategy (`fromSource(source, WatermarkStrategy.forBoundedOutOfOrderness(5000))`)
   * records get event time and each split of the source its own watermark; the source emits the
   * minimum over its active splits. The options may come second or third (`fromSource(source, strategy, options)`).
   */
  fromSource<T>(source: Source<T, any>, strategyOrOptions?: WatermarkStrategy<T> | SourceOptions, sourceOptions?: SourceOptions): SingleOutputStream<T> {
    if (!source || typeof source.createReader !== 'function') {
      throw new TypeError('fromSource() takes a Source: an object with createReader(ctx), such as new FileSource({ path })');
    }
    const strategy = strategyOrOptions instanceof WatermarkStrategy ? strategyOrOptions : undefined;
    const options: SourceOptions = (strategy === undefined ? (strategyOrOptions as SourceOptions | undefined) : sourceOptions) ?? {};
    const node = this.graph.addNode({
      kind: 'source',
      name: options.name ?? `Source: ${source.name}`,
      fn: source,
      parallelism: options.parallelism,
      watermarkStrategy: strategy,
    });
    if (options.uid !== undefined) node.uid = options.uid;
    return new SingleOutputStream<T>(this.graph, node);
  }

  /** The graph as built so far; mostly for tools and tests. */
  getStreamGraph(): StreamGraph {
    return this.graph;
  }

  /** Plans the job: validates the graph and compiles it to a JobGraph. */
  compile(): JobGraph {
    return compileJobGraph(this.graph, {
      jobName: this.jobName,
      defaultParallelism: this.parallelism,
      maxParallelism: this.maxParallelism,
      checkpointing: this.checkpointing,
      restartStrategy: this.restartStrategy,
      autoWatermarkIntervalMs: this.config.getAutoWatermarkInterval(),
    });
  }
}
