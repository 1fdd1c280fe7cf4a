#!/usr/bin/env -S node --max-semi-space-size=2
// Thin launcher: the compiled CLI lives in dist/ (built by `npm install` through the prepare script).
// The node option keeps V8's young generation at 2 MB a half: left alone, V8 doubles it (up to
// 16 MB a half) as a long capture's sessions pile up, and peak memory follows the capture's length
// (1 GB capture: 106 MiB, 78 MiB with it; no slower). `npm run bench` runs its jobs with the same
// options, read from this line. Started as `node bin/ekuscope.js`, it runs with V8's defaults.
import { runCli } from '../dist/cli/run.js';

runCli(process.argv.slice(2));
