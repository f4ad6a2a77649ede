#!/usr/bin/env node
import { main } from './program.js';

const code = await main(process.argv);
// Let stdout drain, then exit: gRPC channels and timers of a finished run must not keep us alive.
process.stdout.write('', () => process.exit(code));
