/**
 * Streaming word count, the "hello world" of stream processing.
 *
 *   sage run word-count.ts                       count an embedded text, print running counts
 *   sage run word-count.ts -p 4 -- input/        count the lines of the files under input/
 *   sage run word-count.ts -- input/ counts/     write {word, count} JSON lines to counts/
 *
 * Every record updates the count of its word, and every update is emitted, as in Flink's streaming
 * WordCount: the last line printed for a word is its total.
 */
import { defineJob, ValueStateDescriptor, type Collector, type KeyedProcessContext, type RuntimeContext, type ValueState } from '@sage/core';
import { FileSink, FileSource } from '@sage/connector-files';

export const EMBEDDED_TEXT = [
  'To be, or not to be, that is the question:',
  "Whether 'tis nobler in the mind to suffer",
  'The slings and arrows of outrageous fortune,',
  'Or to take arms against a sea of troubles',
  'And by opposing end them. To die—to sleep,',
  'No more; and by a sleep to say we end',
  'The heart-ache and the thousand natural shocks',
  "That flesh is heir to: 'tis a consummation",
  "Devoutly to be wish'd. To die, to sleep;",
  "To sleep, perchance to dream—ay, there's the rub:",
];

export interface WordCount {
  readonly word: string;
  readonly count: number;
}

export function words(line: string): string[] {
  return line.toLowerCase().split(/[^a-z']+/).map((w) => w.replace(/^'+|'+$/g, '')).filter((w) => w.length > 0);
}

/** Keeps one counter per word in keyed state. */
class CountWords {
  private count!: ValueState<number>;

  open(ctx: RuntimeContext): void {
    this.count = ctx.getState(new ValueStateDescriptor<number>('count', 0));
  }

  processElement(word: string, _ctx: KeyedProcessContext<string>, out: Collector<WordCount>): void {
    const count = this.count.value()! + 1;
    this.count.update(count);
    out.collect({ word, count });
  }
}

export default defineJob((env, args) => {
  const [input, output] = args;
  const lines = input ? env.fromSource(new FileSource({ path: input }), { name: 'Source: Lines', uid: 'lines' }) : env.fromElements(...EMBEDDED_TEXT);
  const counts = lines
    .flatMap(words)
    .name('Tokenize')
    .uid('tokenize')
    .keyBy((word) => word)
    .process(new CountWords())
    .name('Count')
    .uid('count');
  if (output) counts.sink(new FileSink<WordCount>({ path: output })).name('Sink: Counts').uid('counts-sink');
  else counts.map((c) => `${c.word}: ${c.count}`).name('Format').uid('format').print();
});
