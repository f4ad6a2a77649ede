import { describe, expect, it } from 'vitest';
import { EXCEPTION_HISTORY_SIZE, ExceptionHistory } from './exception-history.js';

const cause = (n: number) => ({ code: 'TypeError', message: `failure ${n}`, stack: '', location: 'Map (1/1) on tm-1' });

describe('ExceptionHistory', () => {
  it('keeps the newest entries first, capped, with what followed each', () => {
    const history = new ExceptionHistory();
    for (let attempt = 0; attempt < EXCEPTION_HISTORY_SIZE + 4; attempt++) history.restarted(attempt, cause(attempt), 1_000 * (attempt + 1));
    history.checkpointSkipped(20, 7, 'its metadata is not valid JSON', 6);
    history.failed(20, cause(20));
    const entries = history.list();
    expect(entries).toHaveLength(EXCEPTION_HISTORY_SIZE);
    expect(entries[0]).toMatchObject({ attempt: 20, outcome: 'JOB_EXCEPTION_JOB_FAILED', cause: cause(20) });
    expect(entries[1]).toMatchObject({ attempt: 20, outcome: 'JOB_EXCEPTION_CHECKPOINT_SKIPPED', skippedCheckpointId: 7 });
    expect(entries[1]!.cause!.message).toBe(
      "Checkpoint 7 cannot be restored (its metadata is not valid JSON); restored checkpoint 6 instead, so sinks may repeat the output they committed after it (set enableCheckpointing(ms, { onCorruptCheckpoint: 'fail' }) to fail instead)",
    );
    expect(entries[2]).toMatchObject({ attempt: 19, outcome: 'JOB_EXCEPTION_RESTARTED', restartDelayMs: 20_000 });
    expect(entries.at(-1)).toMatchObject({ attempt: 6 });
  });
});
