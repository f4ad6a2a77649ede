import { SageError } from '@sage/core';

/**
 * A state is asked for with TTL where it exists without (or the other way round). TTL changes how
 * entries are stored (each carries its timestamp), and Sage does not migrate stored state between the
 * two shapes, so the state must keep the TTL setting it was checkpointed with, or take a new name.
 */
export class IncompatibleStateTtl extends SageError {
  constructor(
    readonly operatorName: string,
    readonly stateName: string,
    /** Whether the descriptor that was refused enables TTL. */
    readonly ttlRequested: boolean,
    /** True when the state's TTL setting comes from the checkpoint being restored. */
    readonly fromCheckpoint: boolean,
  ) {
    const asked = ttlRequested ? 'with TTL' : 'without TTL';
    const has = ttlRequested ? 'without TTL' : 'with TTL';
    const what = fromCheckpoint
      ? `the checkpoint being restored holds it ${has}. Turning TTL on or off changes how the state is stored and Sage ` +
        `does not migrate it: ${ttlRequested ? 'remove enableTimeToLive() from' : 'call enableTimeToLive() on'} the descriptor ` +
        'to restore the state as it is, or give the descriptor a new name to start that state empty'
      : `another descriptor of that name created it ${has}: give both descriptors the same TTL setting, or different names`;
    super('IncompatibleStateTtl', `Operator '${operatorName}' asked for state '${stateName}' ${asked}, but ${what}`);
  }
}
