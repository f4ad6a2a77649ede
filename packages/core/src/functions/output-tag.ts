/**
 * Names a side output. Create one per side output, emit to it with `ctx.output(tag, value)` inside a
 * ProcessFunction and read it with `stream.getSideOutput(tag)`. The id must be unique in the job.
 */
export class OutputTag<T> {
  declare readonly __type?: T;
  constructor(readonly id: string) {
    if (!id) throw new TypeError('An OutputTag needs a non-empty id');
  }
}
