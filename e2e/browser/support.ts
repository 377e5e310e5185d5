/**
 * What every browser test repeats: Chromium, viewports, sign-in, language, navigation, screenshots and the axe-core
 * check. Page expressions are strings: these files are type-checked for Node, without the DOM library.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { expect } from 'vitest';

/** Where browser tests save their screenshots (the README points people here). */
export const screenshotsDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'screenshots');

export const desktop = { width: 1440, height: 900 };
export const phone = { width: 390, height: 844 };

/** Starts the system's headless Chromium, with no traffic of its own beyond loopback; `extraArgs` add switches. */
export async function launchBrowser(extraArgs: readonly string[] = []): Promise<Browser> {
  mkdirSync(screenshotsDir, { recursive: true });
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
      ...extraArgs,
    ],
  });
}

/** Waits until menus and layout transitions have finished, so that screenshots show a settled page. */
export async function settled(page: Page): Promise<void> {
  await expect.poll(() => page.evaluate<number>('document.getAnimations().length')).toBe(0);
}

/** Saves `e2e/screenshots/<name>.png` of the settled page. */
export async function shot(page: Page, name: string): Promise<void> {
  await settled(page);
  await page.screenshot({ path: join(screenshotsDir, `${name}.png`) });
}

/** Fills and submits the sign-in form already on screen. */
export async function submitSignIn(page: Page, email: string, password: string): Promise<void> {
  await page.getByTestId('sign-in-email').fill(email);
  await page.getByTestId('sign-in-password').fill(password);
  await page.getByTestId('sign-in-submit').click();
}

/**
 * Opens the hub and signs in as the test stack's administrator (or as `as.email`), waits for the dashboard (the
 * landing page), then switches to `as.language` when it is not English.
 */
export async function signIn(
  page: Page,
  hub: { baseUrl: string; adminEmail: string; adminPassword: string },
  as: { email?: string; password?: string; language?: string } = {},
): Promise<void> {
  await page.goto(`${hub.baseUrl}/`);
  await submitSignIn(page, as.email ?? hub.adminEmail, as.password ?? hub.adminPassword);
  await page.getByTestId('dashboard-count-healthy').waitFor();
  if (as.language && as.language !== 'en') {
    await chooseLanguage(page, as.language);
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe(as.language);
  }
}

/** Switches the interface language with the picker in the header (or on the sign-in page). */
export async function chooseLanguage(page: Page, language: string): Promise<void> {
  await page.getByTestId('language-picker').click();
  await page.getByTestId(`language-option-${language}`).click();
  await page.getByTestId(`language-option-${language}`).waitFor({ state: 'hidden' });
  // The language's translations load on first use; the page switches once they have arrived.
  await page.locator(`html[lang^="${language}"]`).waitFor({ state: 'attached' });
}

/** Opens a section from the navigation, through the burger menu on phones. */
/**
 * Closes the open dialog with Escape and waits until it is gone. A key pressed while the dialog is still opening can
 * be lost, and its overlay would then stay over the page: Escape is pressed again while a dialog is still there.
 */
export async function closeDialogWithEscape(page: Page): Promise<void> {
  await expect
    .poll(async () => {
      const open = await page.getByRole('dialog').count();
      if (open > 0) await page.keyboard.press('Escape');
      return open;
    })
    .toBe(0);
}

export async function openSection(page: Page, key: string): Promise<void> {
  if ((page.viewportSize()?.width ?? desktop.width) <= 768) await page.getByTestId('nav-toggle').click();
  await page.getByTestId(`nav-${key}`).click();
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

let axeSource: string | undefined;

/** axe-core's WCAG 2 A/AA rules on the current screen; only serious and critical findings fail the test. */
export async function expectAccessible(page: Page, screen: string): Promise<void> {
  await settled(page);
  axeSource ??= readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  // Evaluated through the debugger protocol: the app's Content Security Policy rightly refuses inline scripts.
  if (!(await page.evaluate<boolean>("typeof window.axe === 'object'"))) await page.evaluate(axeSource);
  const violations = await page.evaluate<AxeViolation[]>(`axe
    .run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
    .then((result) => result.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 3).map((node) => node.html.slice(0, 160)),
    })))`);
  const blocking = violations.filter((violation) => ['serious', 'critical'].includes(violation.impact ?? ''));
  expect({ screen, blocking }).toEqual({ screen, blocking: [] });
}
