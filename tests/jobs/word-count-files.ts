// Word count over text files: `sage run word-count-files.ts -- <input dir> <output dir>`.
import { defineJob } from '@sage/core';
import { FileSink, FileSource } from '@sage/connector-files';

export default defineJob((env, args) => {
  const [input, output] = args;
  if (!input || !output) throw new Error('usage: -- <input dir> <output dir>');
  env
    .fromSource(new FileSource({ path: input }), { name: 'Lines' })
    .flatMap((line: string) => line.toLowerCase().split(/[^a-z]+/).filter((w) => w.length > 0))
    .keyBy((word) => word)
    .map((word) => ({ word, count: 1 }))
    .keyBy((wc) => wc.word)
    .reduce((a, b) => ({ word: a.word, count: a.count + b.count }))
    .uid('counts')
    .sink(new FileSink<{ word: string; count: number }>({ path: output }));
});
