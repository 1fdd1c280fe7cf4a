/**
 * The real binary in a real terminal: tmux runs `ekuscope view` on scenario 05 (and 01, so there is
 * a session to move past), keys are sent as a user types them, and the screen is read back with
 * capture-pane. Skipped, saying so, when tmux is not installed.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/corpus.js';
import { describeWith } from '../helpers/tools.js';
import { scenarioDir } from './fixture.js';


const socket = `ekuscope-e2e-${process.pid}`;
const tmp = mkdtempSync(join(tmpdir(), 'ekuscope-e2e-'));

function tmux(...args: string[]): string {
  return execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
}

function newest(dir: string): number {
  let t = 0;
  for (const n of readdirSync(dir)) {
    const p = join(dir, n);
    const st = statSync(p);
    t = Math.max(t, st.isDirectory() ? newest(p) : st.mtimeMs);
  }
  return t;
}

/** Builds dist/ when a source file is newer than the compiled viewer. */
function ensureBuilt(): void {
  const built = join(repoRoot, 'dist', 'tui', 'App.js');
  if (existsSync(built) && statSync(built).mtimeMs >= newest(join(repoRoot, 'src'))) return;
  // tsc writes its output even when a file elsewhere has a type error; what matters here is dist/.
  spawnSync('npm', ['run', 'build'], { cwd: repoRoot, stdio: 'ignore' });
  if (!existsSync(built)) throw new Error('npm run build did not produce dist/tui/App.js');
}

interface Term {
  readonly name: string;
  screen(escapes?: boolean): string;
  keys(...k: string[]): void;
  waitFor(what: RegExp | string, timeoutMs?: number): Promise<string>;
}

async function open(name: string, cols: number, rows: number, env: string, args: string[]): Promise<Term> {
  // Without CI variables: in CI, Ink renders only the last frame and colour libraries turn colour
  // off (is-in-ci, supports-color read CI); the terminal here is a real one, as a person's would be.
  const cmd = `cd ${JSON.stringify(repoRoot)} && env -u CI -u CONTINUOUS_INTEGRATION ${env} node bin/ekuscope.js ${args.map((a) => JSON.stringify(a)).join(' ')}; echo "EXIT=$?"; sleep 60`;
  try {
    tmux('new-session', '-d', '-s', name, '-x', String(cols), '-y', String(rows), cmd);
  } catch {
    // The server that start-server made exits when it has no session (tmux's exit-empty); a session
    // asked for at that moment finds it gone ("server exited unexpectedly"): ask again, once.
    await new Promise((r) => setTimeout(r, 500));
    tmux('new-session', '-d', '-s', name, '-x', String(cols), '-y', String(rows), cmd);
  }
  const t: Term = {
    name,
    screen: (escapes = false) => tmux('capture-pane', '-p', ...(escapes ? ['-e'] : []), '-t', name),
    keys: (...k) => void tmux('send-keys', '-t', name, ...k),
    waitFor: async (what, timeoutMs = 30_000) => {
      const t0 = Date.now();
      for (;;) {
        const s = t.screen();
        if (typeof what === 'string' ? s.includes(what) : what.test(s)) return s;
        if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${String(what)}; the screen was:\n${s}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
  };
  return t;
}

/**
 * Presses `key` until the screen matches, up to `max` times. Each press waits for the screen to change
 * before the next: on a loaded machine a press still in flight would otherwise move past the match.
 */
async function pressUntil(t: Term, key: string, want: RegExp, max = 40): Promise<string> {
  let s = t.screen();
  for (let i = 0; i < max; i++) {
    if (want.test(s)) return s;
    t.keys(key);
    const before = s;
    const t0 = Date.now();
    do {
      await new Promise((r) => setTimeout(r, 60));
      s = t.screen();
    } while (s === before && Date.now() - t0 < 5000);
  }
  return t.waitFor(want, 2000);
}

const SGR_COLOUR = /\x1b\[[0-9;]*(3[0-7]|9[0-7]|38;[25];[0-9;]+)m/;

describeWith(['tmux'], 'ekuscope view in tmux', () => {
  beforeAll(() => {
    ensureBuilt();
    tmux('start-server');
  }, 300_000);
  afterAll(() => {
    spawnSync('tmux', ['-L', socket, 'kill-server']);
    rmSync(tmp, { recursive: true, force: true });
  });

  it('80×24, no colour: to the failing session, the client certificate, its EKU expanded, the narration read', async () => {
    const exportDir = join(tmp, 'pem');
    const t = await open('small', 80, 24, 'NO_COLOR=1', ['view', '--export-dir', exportDir, scenarioDir('01-'), scenarioDir('05-')]);
    let s = await t.waitFor(/read ✔/);
    expect(s.split('\n')[0]).toMatch(/^ekuscope · 3 captures · 2 TLS sessions/);
    expect(s).toMatch(/› ✔ /);
    // The failing session is the second: move to it.
    s = await pressUntil(t, 'j', /› ✖ /);
    expect(s).toMatch(/› ✖ .*Expressway-C vcs8c → Expressway-E/);
    expect(s).toMatch(/Narration · ✖ fatal alert 43 unsupported_certificate/);

    // The ladder, down to the client's Certificate (frames 10–12, reassembled in 12).
    t.keys('Tab');
    s = await t.waitFor(/▶ Ladder/);
    s = await pressUntil(t, 'j', /›\s+12 │─ Certificate/);
    expect(s).toMatch(/12 │─ Certificate ─+▶│ ⇠10–12 ✖ no clientAuth/);

    // Its details, down to the leaf's Extended Key Usage, then expanded.
    t.keys('Enter');
    await t.waitFor(/▶ Details · Certificate · frame 12/);
    s = await pressUntil(t, 'j', /›\s+▸ Extended Key Usage/);
    expect(s).toMatch(/▸ Extended Key Usage: serverAuth {2}\[clientAuth needed ✖ missing\]/);
    t.keys('Enter');
    s = await t.waitFor(/clientAuth: 1\.3\.6\.1\.5\.5\.7\.3\.2 {2}\[✖ needed, missing \(E2\)\]/);
    expect(s).toMatch(/›\s+▾ Extended Key Usage/);
    expect(s).toMatch(/serverAuth: 1\.3\.6\.1\.5\.5\.7\.3\.1/);

    // e: the certificate as PEM, and where it went.
    t.keys('e');
    s = await t.waitFor(/^wrote .*client-.*-session0-frame12-0-03a1c47e/m);
    const pems = readdirSync(exportDir);
    expect(pems).toHaveLength(1);
    expect(pems[0]).toMatch(/^[A-Za-z0-9_-]+\.pem$/);
    expect(readFileSync(join(exportDir, pems[0]!), 'latin1')).toMatch(/^-----BEGIN CERTIFICATE-----/);

    // The narration, read from the screen: who was client, what it lacked, who rejected it.
    t.keys('5');
    s = await t.waitFor(/▶ Narration/);
    const narration: string[] = [s];
    for (let i = 0; i < 6; i++) {
      t.keys('PageDown');
      await new Promise((r) => setTimeout(r, 150));
      narration.push(t.screen());
    }
    const text = narration.join('\n').replace(/[│┃]/g, ' ').replace(/\s+/g, ' ');
    expect(text).toMatch(/Expressway-C vcs8c \(10\.106\.80\.16:25731\) sent the ClientHello, so it was the TLS client/);
    expect(text).toMatch(/clientAuth/);
    expect(text).toMatch(/alert 43/);
    expect(text).toMatch(/ERROR \[[ETCX]\d/);

    // n: the session's first finding, named in the status line.
    t.keys('g', 'n');
    s = await t.waitFor(/^finding \d+ of \d+: [ETCX]\d/m);
    const rule = s.match(/^finding \d+ of \d+: ([ETCX]\d)/m)![1]!;

    // r: that finding's rules explained over the panes, the finding's own rule first; Esc closes it.
    t.keys('r');
    s = await t.waitFor(new RegExp(`Rules? ${rule}[,  ].*Esc closes`));
    expect(s).toMatch(new RegExp(`^. ${rule} \\S`, 'm'));
    // ↓ scrolls the panel on to a rule's fix advice.
    s = await pressUntil(t, 'Down', /Fix: /, 60);
    expect(s).toContain('Fix: ');
    t.keys('Escape');
    s = await t.waitFor(/▶ Narration/);
    expect(s).not.toContain('Esc closes');

    // No colour anywhere; selection and focus still visible (inverse video, heavy frame).
    const raw = t.screen(true);
    expect(raw).not.toMatch(SGR_COLOUR);
    expect(raw).toMatch(/\x1b\[[0-9;]*7m/);

    // ? and q: the help, then back to the shell with exit code 0 and the screen restored.
    t.keys('?');
    s = await t.waitFor(/Help · ekuscope view/);
    expect(s).toContain('filter: host, port, outcome, serial, subject');
    t.keys('Escape');
    await t.waitFor(/▶ Narration/);
    t.keys('q');
    s = await t.waitFor(/EXIT=0/);
    expect(s).not.toContain('Narration');
  }, 120_000);

  it('120×40 in colour: every pane at once, outcomes coloured', async () => {
    const t = await open('wide', 120, 40, 'TERM=xterm-256color', ['view', scenarioDir('05-')]);
    const s = await t.waitFor(/read ✔/);
    for (const title of ['Sessions', 'Ladder', 'Narration', 'Details', 'Bytes']) expect(s).toContain(`─ ${title}`.replace('─ Sessions', '━ ▶ Sessions'));
    expect(s.split('\n')[0]).toMatch(/2 captures · 1 TLS session \(\+1 seen in two captures\)/);
    expect(s).toMatch(/14 │◀─+ Alert fatal ─│ 43 unsupported_certifi/);
    expect(t.screen(true)).toMatch(SGR_COLOUR);
    t.keys('q');
    await t.waitFor(/EXIT=0/);
  }, 120_000);

  it('a plain `ekuscope PATH` on a terminal opens the viewer', async () => {
    const t = await open('plain', 100, 30, 'NO_COLOR=1', [scenarioDir('05-')]);
    await t.waitFor(/read ✔/);
    expect(t.screen()).toContain('▶ Sessions');
    t.keys('q');
    await t.waitFor(/EXIT=0/);
  }, 120_000);
});
