// proto-loader-gen-types writes extensionless relative imports; Node's ES module resolution (and
// TypeScript's NodeNext) need '.js'. Run after generating (see the `generate` script).
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

function visit(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) visit(path);
    else if (name.endsWith('.ts')) {
      const text = readFileSync(path, 'utf8');
      writeFileSync(path, text.replace(/from '(\.{1,2}\/[^']+?)(?<!\.js)'/g, "from '$1.js'"));
    }
  }
}

visit(new URL('../src/generated', import.meta.url).pathname);
