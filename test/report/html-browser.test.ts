/**
 * The HTML report in a real browser: Debian's Chromium (package `chromium`), driven by
 * playwright-core, headless, with a new empty profile and every background network feature off.
 * For every scenario folder of captures/: the page loads with no console error (a style or script
 * the Content-Security-Policy refused would be one) and no request but the page itself; each failed
 * session's ladder shows the alert or close that ended it; certificate details open on a click; a
 * screenshot at 1280×800 is kept in test-artifacts/html/ (git-ignored). A capture whose names are
 * markup adds no element and runs nothing.
 *
 * Skipped, saying why, where /usr/bin/chromium is absent (.ci/run installs it as root).
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { runReport } from '../../src/cli/report.js';
import { capturesDir, repoRoot } from '../helpers/corpus.js';
import { HTML_HOSTILE, markupCapture } from './html-check.js';
import { describeIf } from '../helpers/tools.js';

const CHROMIUM = '/usr/bin/chromium';

const ARTIFACTS = join(repoRoot, 'test-artifacts', 'html');
const scenarios = readdirSync(capturesDir).filter((n) => /^\d/.test(n) && statSync(join(capturesDir, n)).isDirectory()).sort();

interface Loaded {
  readonly page: Page;
  readonly errors: string[];
  readonly requests: string[];
}

describeIf(existsSync(CHROMIUM), `${CHROMIUM} not found (apt-get install chromium)`, 'the HTML report in Chromium', () => {
  let context: BrowserContext;
  const work = mkdtempSync(join(tmpdir(), 'ekuscope-html-browser-'));

  beforeAll(async () => {
    const { chromium } = await import('playwright-core');
    mkdirSync(ARTIFACTS, { recursive: true });
    const profile = mkdtempSync(join(work, 'profile-'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1280, height: 800 },
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 60_000);
  afterAll(async () => {
    await context?.close();
    rmSync(work, { recursive: true, force: true });
  });

  /** Opens a page from a file, recording console errors, page errors, dialogs and every request. */
  async function load(html: string, name: string): Promise<Loaded> {
    const file = join(work, `${name}.html`);
    writeFileSync(file, html);
    const url = pathToFileURL(file).href;
    const page = await context.newPage();
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
    page.on('pageerror', (e) => void errors.push(`page error: ${e.message}`));
    page.on('dialog', (d) => {
      errors.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    page.on('request', (r) => void (r.url() !== url && requests.push(r.url())));
    await page.goto(url, { waitUntil: 'load' });
    return { page, errors, requests };
  }

  it.each(scenarios)('%s: loads with no error and no request, the failure marked in its ladder, details open', async (name) => {
    const r = await runReport([join(capturesDir, name)], { format: 'html', generator: 'ekuscope' });
    expect(r.errors).toEqual([]);
    const { page, errors, requests } = await load(r.text, name);
    try {
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
      // The style applied (the policy let it in) and the script ran (it shows its buttons).
      expect(await page.evaluate<string>('getComputedStyle(document.body).fontFamily')).toMatch(/system-ui|sans/);
      expect(await page.locator('button[data-all="open"]').isVisible()).toBe(true);

      // Each failed session: its ladder shows the step that ended it, marked ✖ and visible.
      const failed = r.explanation!.stories.filter((s) => s.outcome === 'failed');
      for (const st of failed) {
        const section = page.locator('section.session').filter({ hasText: `Session #${st.sessionId} in` }).first();
        const bad = section.locator('svg.ladder g.step.bad');
        if (st.ladder.some((s) => s.tone === 'bad')) {
          await bad.first().scrollIntoViewIfNeeded();
          expect(await bad.first().isVisible()).toBe(true);
          expect(await bad.first().textContent()).toMatch(/^\d+✖ (Alert|Encrypted alert|TCP FIN|TCP RST)/);
        }
      }
      if (['05-uc-traversal-eku-on-failed', '06-uc-traversal-eku-off-ssh-fails', '08-all-private-ca-unknown-ca', '10-eku-chaining', '11-silent-close'].includes(name)) {
        expect(await page.locator('svg.ladder g.step.bad').count()).toBeGreaterThan(0);
      }

      // A certificate's details open on a click and show its fingerprint.
      const cert = page.locator('details.cert').first();
      if ((await cert.count()) > 0) {
        expect(await cert.locator('dl').isVisible()).toBe(false);
        await cert.locator('summary').click();
        expect(await cert.getAttribute('open')).not.toBeNull();
        expect(await cert.locator('dl').isVisible()).toBe(true);
        expect(await cert.locator('dl').textContent()).toMatch(/SHA-256[0-9a-f]{64}/);
        await cert.locator('summary').click();
      }
      // "open all" opens every fold; a rule link lands on the rule's explanation.
      await page.locator('button[data-all="open"]').click();
      expect(await page.locator('details:not([open])').count()).toBe(0);
      await page.locator('button[data-all="close"]').click();
      const rule = page.locator('a.rule').first();
      if ((await rule.count()) > 0) {
        const href = (await rule.getAttribute('href'))!;
        await rule.click();
        expect(page.url().endsWith(href)).toBe(true);
        expect(await page.locator(`${href} dd`).isVisible()).toBe(true);
      }
      await page.evaluate('window.scrollTo(0, 0)');
      await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
    } finally {
      await page.close();
    }
  }, 60_000);

  it('a capture whose names are markup: no element added, nothing run, the names shown as text', async () => {
    const dir = join(work, 'markup');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'markup.pcap');
    writeFileSync(file, markupCapture());
    const r = await runReport([file], { format: 'html' });
    const { page, errors, requests } = await load(r.text, 'markup');
    try {
      expect(errors).toEqual([]);
      expect(requests).toEqual([]);
      const count = (sel: string) => page.locator(sel).count();
      expect(await count('script')).toBe(1);
      expect(await count('style')).toBe(1);
      expect(await count('img, iframe, object, embed, link, base, form, input')).toBe(0);
      expect(await count('svg')).toBe(1);
      expect(await count('a:not([href^="#"])')).toBe(0);
      expect(await page.evaluate<string[]>("[...document.querySelectorAll('*')].flatMap((e) => [...e.attributes].map((a) => a.name)).filter((n) => n.startsWith('on'))")).toEqual([]);
      expect(await page.evaluate<string>('getComputedStyle(document.body).display')).toBe('block');
      const text = (await page.locator('body').textContent())!;
      for (const v of [HTML_HOSTILE.script, HTML_HOSTILE.img, HTML_HOSTILE.svg, HTML_HOSTILE.iframe]) expect(text).toContain(v);
      // Bidi and control characters are shown as escapes, never applied.
      expect(text).toContain('\\u202e');
      expect(text).not.toContain('\u202e');
      await page.locator('button[data-all="open"]').click();
      expect(await count('img, iframe, script:not(:last-of-type)')).toBe(0);
      await page.screenshot({ path: join(ARTIFACTS, 'markup-names.png'), fullPage: true });
    } finally {
      await page.close();
    }
  }, 60_000);

  it('on a phone (390 px wide) the page needs no sideways scrolling, follows a dark colour scheme, and it prints', async () => {
    const r = await runReport([join(capturesDir, '05-uc-traversal-eku-on-failed')], { format: 'html', generator: 'ekuscope' });
    const { page, errors } = await load(r.text, 'phone');
    try {
      await page.setViewportSize({ width: 390, height: 844 });
      expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
      await page.screenshot({ path: join(ARTIFACTS, '05-phone.png') });
      // Light and dark follow the system's colour scheme.
      const background = () => page.evaluate<string>('getComputedStyle(document.body).backgroundColor');
      await page.emulateMedia({ colorScheme: 'light' });
      const light = await background();
      await page.emulateMedia({ colorScheme: 'dark' });
      expect(await background()).not.toBe(light);
      await page.screenshot({ path: join(ARTIFACTS, '05-phone-dark.png') });
      await page.emulateMedia({ media: 'print' });
      const pdf = await page.pdf({ format: 'A4' }).catch(() => undefined);
      if (pdf) writeFileSync(join(ARTIFACTS, '05-print.pdf'), pdf);
      expect(await page.locator('button[data-all="open"]').isVisible()).toBe(false);
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  }, 60_000);
});
