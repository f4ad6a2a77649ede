/**
 * The JobManager's Prometheus metrics, per job (labels job_id and job_name, as Flink's job-scoped
 * metrics): restarts, and checkpoints a restore passed over because they were damaged (each one means
 * sinks may repeat output). Served at GET /metrics on the JobManager's metricsPort.
 */
import { Counter, createMetricsRegistry, type Registry } from '@sage/observability';
import type { JobMetrics } from '../jobmaster/job-master.js';

export class JobManagerMetrics {
  readonly registry: Registry = createMetricsRegistry();
  private readonly restarts = new Counter({
    name: 'sage_job_restarts_total',
    help: 'Restarts of a job by its restart strategy',
    labelNames: ['job_id', 'job_name'],
    registers: [this.registry],
  });
  private readonly restoreFallbacks = new Counter({
    name: 'sage_job_restore_fallbacks_total',
    help: 'Damaged checkpoints a restore of the job passed over for an older one (output committed after the older one may repeat)',
    labelNames: ['job_id', 'job_name'],
    registers: [this.registry],
  });

  /** The job's counters, present (at 0) from its start so a rate() sees the first increment. */
  forJob(jobId: string, jobName: string): JobMetrics {
    const labels = { job_id: jobId, job_name: jobName };
    this.restarts.inc(labels, 0);
    this.restoreFallbacks.inc(labels, 0);
    return {
      restarted: () => this.restarts.inc(labels),
      restoreFellBack: (skipped) => this.restoreFallbacks.inc(labels, skipped),
    };
  }

  /** Drops an expired job's series. */
  forget(jobId: string, jobName: string): void {
    const labels = { job_id: jobId, job_name: jobName };
    this.restarts.remove(labels);
    this.restoreFallbacks.remove(labels);
  }
}
