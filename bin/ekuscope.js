#!/usr/bin/env -S node --max-semi-space-size=2 --heap-growing-percent=50
// Thin launcher: the compiled CLI lives in dist/ (built by `npm install` through the prepare script).
// The node options keep V8's heap near what it holds. --max-semi-space-size=2: the young generation
// at 2 MB a half; left alone, V8 doubles it (up to 16 MB a half) as a long capture's sessions pile
// up, and peak memory follows the capture's length (1 GB capture: 106 MiB, 78 MiB with it; no
// slower). --heap-growing-percent=50: the old generation is collected when it has grown by half of
// what survived the last collection, where V8 lets it grow up to four times when collections are
// cheap (a report told at the end of a flood capture: 40,000 sessions waiting for their connections
// to close, then their telling's garbage); peak RSS 350 -> 285 MiB on the flood, 221 -> 150 MiB on
// a busy GB's report, 100 -> 87 MiB on a bulk GB's, in about the same CPU time. `npm run bench`
// runs its jobs with the same options, read from this line. Started as `node bin/ekuscope.js`, it
// runs with V8's defaults.
import { runCli } from '../dist/cli/run.js';

runCli(process.argv.slice(2));
