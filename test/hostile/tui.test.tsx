/**
 * Terminal safety in the interactive viewer: the hostile capture (certificate subjects, issuers and
 * SANs, SNI and CertificateRequest CA names carrying ANSI, OSC, BEL, NUL, C1 and bidi characters)
 * and a bundle whose file names carry them, read through the same composition as `ekuscope view`,
 * rendered by ink-testing-library while walking every pane. No frame may hold a raw escape, control
 * or bidi character from the data; with colour on, Ink's own SGR styling is the only escape allowed.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { render } from 'ink-testing-library';
import { afterAll, describe, expect, it } from 'vitest';
import { reportLoader, viewSource } from '../../src/cli/view.js';
import { App } from '../../src/tui/App.js';
import type { UiState } from '../../src/tui/store.js';
import { toPem } from '../../src/x509/index.js';
import { HOSTILE, SNI, clientCert, hostileCapture, serverCerts } from './hostile-data.js';
import { firstUnsafe, tempDir } from './lib.js';

const temp = tempDir();
afterAll(() => temp.cleanup());
const capture = temp.file('hostile.pcap', hostileCapture(SNI).bytes);
const host = `ho${HOSTILE.sgr}st${HOSTILE.rlo}`;
const ts = '2026-03-24_11_55_47';
const folder = join(temp.dir, 'bundle');
mkdirSync(folder);
writeFileSync(join(folder, `eth0_diagnostic_logging_tcpdump00_${host}_${ts}.pcap`), hostileCapture(SNI).bytes);
writeFileSync(join(folder, `client_${host}_${ts}.pem`), toPem(clientCert));
writeFileSync(join(folder, `server_${host}_${ts}.pem`), toPem(serverCerts[0]!));

const tick = (ms = 15) => new Promise((r) => setTimeout(r, ms));
// eslint-disable-next-line no-control-regex
const INK_SGR = /\u001b\[[0-9;]*m/g;

/**
 * Sessions → ladder → details (expanding every node), bytes, narration, findings, filter, help: each
 * string is typed key by key, then the frame is taken once it is still.
 */
const WALK = ['\r', 'jjj', 'jjj', '\r', 'llljllj', 'lljllj', 'lljllj', 'lljllj', '4', '5', 'jjjj', 'n', 'nN', '1', '/evil\r', '?', '\u001b', '2', 'jjjjjjjj', '3G'];

/** Renders the viewer over `paths` at 120×40, types `keys`; returns every frame seen. */
async function walk(paths: string[], color: boolean, keys: readonly string[] = WALK): Promise<string[]> {
  let state: UiState | undefined;
  const r = render(<App source={viewSource(paths, reportLoader())} color={color} onState={(s) => (state = s)} />);
  Object.defineProperty(r.stdout, 'columns', { value: 120, configurable: true });
  Object.defineProperty(r.stdout, 'rows', { value: 40, configurable: true });
  r.stdout.emit('resize');
  for (let i = 0; i < 400 && state?.progress.phase !== 'done' && state?.progress.phase !== 'failed'; i++) await tick();
  expect(state?.progress.phase).toBe('done');
  const frames: string[] = [];
  const settle = async () => {
    let prev = r.lastFrame() ?? '';
    for (let still = 0, waited = 0; still < 3 && waited < 1500; waited += 15) {
      await tick();
      const now = r.lastFrame() ?? '';
      still = now === prev ? still + 1 : 0;
      prev = now;
    }
    frames.push(r.lastFrame() ?? '');
  };
  await settle();
  for (const group of keys) {
    for (const k of group === '\u001b' ? [group] : [...group]) {
      r.stdin.write(k);
      await tick(5);
    }
    await settle();
  }
  r.unmount();
  return frames;
}

function expectClean(frames: string[], color: boolean): void {
  for (const [i, f] of frames.entries()) {
    const bad = firstUnsafe(color ? f.replace(INK_SGR, '') : f);
    expect(bad, `frame ${i}: raw ${bad}`).toBeUndefined();
  }
}

describe('viewer (Ink) frames hold no raw escape from the data', () => {
  for (const color of [false, true]) {
    it(`a capture with hostile certificates, SNI and CA names, colour ${color ? 'on' : 'off'}`, async () => {
      const frames = await walk([capture], color);
      expectClean(frames, color);
      const all = frames.join('\n').replace(INK_SGR, '');
      // The data is there, escaped: the walk did reach the hostile strings.
      expect(all).toContain('\\x1b[31mRED');
    });
  }

  it('a bundle whose file names carry escape sequences and overrides (every pane; n/N below)', async () => {
    const frames = await walk([folder], false, WALK.filter((k) => !/[nN]/.test(k)));
    expectClean(frames, false);
  });

  // The n/N status line ("finding 1 of 8: T6 <title>") carries finding titles, which name the
  // Expressway by its bundle host tag, taken from file names.
  it('a bundle whose host tag carries escape sequences: the n/N finding status line', async () => {
    const frames = await walk([folder], false, ['n', 'nN']);
    expectClean(frames, false);
  });
});
