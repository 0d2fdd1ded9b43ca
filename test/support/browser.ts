import type { AxeResults } from 'axe-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type BrowserContext, type Page, chromium } from 'playwright-core';

/** Debian's chromium (`apt-get install chromium`, see .ci/run); CHROMIUM_PATH points elsewhere. Never a downloaded browser. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** Every page's screenshot goes here (git-ignored). */
export const SCREENSHOTS = join(__dirname, '..', '..', 'test-results', 'browser');

/** A browser test may take its time: a whole sign-up, mail included, on a busy machine. */
export const BROWSER_TEST_TIMEOUT_MS = 180_000;

export function launchChromium(): Promise<Browser> {
  // Chromium's sandbox cannot run as root (CI runs as root).
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: process.getuid?.() === 0 ? ['--no-sandbox'] : [] });
}

/**
 * A fresh browser profile (no cookies) with axe-core loaded into every page before the page's
 * own content: as an init script, so the pages' strict CSP stays on while they are checked.
 * Any CSP violation the browser reports is collected and fails the next `checkPage`.
 */
export async function newVisitor(browser: Browser): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ locale: 'da-DK' });
  await context.addInitScript({ path: require.resolve('axe-core/axe.min.js') });
  const page = await context.newPage();
  const violations: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  cspViolations.set(page, violations);
  return { context, page };
}

const cspViolations = new WeakMap<Page, string[]>();

/**
 * Checks the page on screen: axe-core finds no serious or critical violation, the page declares
 * its language, the browser reported no CSP violation; then saves its screenshot as `<name>.png`.
 */
export async function checkPage(page: Page, name: string): Promise<void> {
  await page.waitForLoadState('load');
  const results = await page.evaluate(() => (globalThis as unknown as { axe: { run(options: object): Promise<AxeResults> } }).axe.run({ resultTypes: ['violations'] }));
  const serious = results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => ({ rule: violation.id, where: violation.nodes.map((node) => node.target.join(' ')) }));
  expect({ page: name, serious }).toEqual({ page: name, serious: [] });
  expect({ page: name, lang: await page.getAttribute('html', 'lang') }).toEqual({ page: name, lang: expect.stringMatching(/^(da|sv|nb|en)$/) });
  expect({ page: name, csp: cspViolations.get(page) ?? [] }).toEqual({ page: name, csp: [] });
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** The path and query of an emailed link (it names PUBLIC_URL; the test's server listens elsewhere). */
export function pathOf(link: string): string {
  const url = new URL(link);
  return `${url.pathname}${url.search}`;
}

interface FocusProbe {
  document: { activeElement: { id: string; tagName: string; textContent: string | null } | null };
  getComputedStyle(element: unknown): { outlineStyle: string; outlineWidth: string };
}

/**
 * Walks the page with the Tab key, as a keyboard user does, until `last` has the focus (at most
 * 100 presses), and returns each element reached (`#id`, or its tag and text) with whether its
 * focus shows (a solid outline, 3px or more).
 */
export async function tabThrough(page: Page, last: string): Promise<Array<{ element: string; visible: boolean }>> {
  const reached: Array<{ element: string; visible: boolean }> = [];
  while (reached.length < 100 && reached[reached.length - 1]?.element !== last) {
    await page.keyboard.press('Tab');
    reached.push(
      await page.evaluate(() => {
        const { document, getComputedStyle } = globalThis as unknown as FocusProbe;
        const active = document.activeElement;
        if (!active) return { element: '(none)', visible: false };
        const style = getComputedStyle(active);
        return {
          element: active.id ? `#${active.id}` : `${active.tagName.toLowerCase()}:${(active.textContent ?? '').trim()}`,
          visible: style.outlineStyle === 'solid' && parseFloat(style.outlineWidth) >= 3,
        };
      }),
    );
  }
  return reached;
}
