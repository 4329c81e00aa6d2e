// A person with a real browser, for `BROWSER="node tests/peers/chromium-browser.mjs" shopterm login`
// tests: Debian's headless Chromium (/usr/bin/chromium), driven by playwright-core (no browser
// download), opens the authorization URL shopterm passes as the last argument, types the e-mail
// and password into the demo shop's sign-in page by their labels, presses "Sign in", then
// "Allow" on the consent page, and waits for shopterm's loopback callback page ("Signed in").
// Exits 0 when that page was shown; otherwise non-zero with the reason on stderr. Test use only.
//
// Environment:
//   SHOPTERM_TEST_EMAIL, SHOPTERM_TEST_PASSWORD  the account to sign in with
//   SHOPTERM_TEST_BROWSER_LOG   a file to which one JSON line per event is appended (shopterm
//                               discards its browser's output, so this is how a test sees it)
//   SHOPTERM_TEST_SCREENSHOTS   a directory for sign-in.png, consent.png and callback.png
//   SHOPTERM_CHROMIUM           the browser binary (default /usr/bin/chromium)
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const STEP_TIMEOUT_MS = 30_000;
const OVERALL_TIMEOUT_MS = 90_000;

const logFile = process.env.SHOPTERM_TEST_BROWSER_LOG;
function log(event, fields = {}) {
  if (logFile) {
    appendFileSync(logFile, JSON.stringify({ event, browser: 'chromium', ...fields }) + '\n');
  }
}

function fail(message) {
  log('failed', { message });
  console.error(`chromium-browser: ${message}`);
  process.exitCode = 1;
}

// Whatever happens, this process ends (shopterm does not wait for its browser).
const watchdog = setTimeout(() => {
  fail(`no sign-in within ${OVERALL_TIMEOUT_MS / 1000} s`);
  process.exit(1);
}, OVERALL_TIMEOUT_MS);
watchdog.unref();

async function main() {
  const url = process.argv.at(-1);
  if (!url || !/^https?:\/\//.test(url)) {
    fail('usage: node chromium-browser.mjs URL');
    return;
  }
  const email = process.env.SHOPTERM_TEST_EMAIL ?? '';
  const password = process.env.SHOPTERM_TEST_PASSWORD ?? '';
  const shots = process.env.SHOPTERM_TEST_SCREENSHOTS;
  const executablePath = process.env.SHOPTERM_CHROMIUM || '/usr/bin/chromium';

  // A fresh, empty profile each time; playwright passes it as --user-data-dir.
  const profile = mkdtempSync(join(tmpdir(), 'shopterm-chromium-'));
  let context;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath,
      headless: true,
      chromiumSandbox: false,
      timeout: STEP_TIMEOUT_MS,
      // The flags this machine's closed network needs (no background connections at all).
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    log('start', { version: context.browser()?.version() ?? null });
    const page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(STEP_TIMEOUT_MS);
    // Script errors and CSP violations show up as console errors: the pages have no scripts,
    // so any such error is a fault of the page.
    const pageErrors = [];
    page.on('pageerror', (error) => pageErrors.push(String(error)));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });

    const signIn = await page.goto(url);
    log('page', { status: signIn?.status() ?? null, title: await page.title() });
    if (!signIn?.ok()) {
      fail(`the authorization page answered HTTP ${signIn?.status()}`);
      return;
    }
    await page.getByLabel('E-mail').fill(email);
    await page.getByLabel('Password').fill(password);
    if (shots) await page.screenshot({ path: join(shots, 'sign-in.png'), fullPage: true });
    await Promise.all([
      page.waitForLoadState('load'),
      page.getByRole('button', { name: 'Sign in' }).click(),
    ]);

    const allow = page.getByRole('button', { name: 'Allow' });
    const refused = page.getByRole('alert');
    await allow.or(refused).first().waitFor();
    log('page', { title: await page.title() });
    if (await refused.isVisible()) {
      fail(`the sign-in was refused: ${(await refused.innerText()).trim()}`);
      return;
    }
    if (shots) await page.screenshot({ path: join(shots, 'consent.png'), fullPage: true });
    // The consent form redirects to shopterm's loopback listener.
    await Promise.all([page.waitForURL(/^http:\/\/127\.0\.0\.1:\d+\/callback\?/), allow.click()]);
    await page.waitForLoadState('load');
    const heading = (await page.locator('h1').innerText()).trim();
    const text = (await page.locator('body').innerText()).replace(/\s+/g, ' ').trim();
    // The address holds the authorization code: log only where it went, not the query.
    const callback = new URL(page.url());
    log('callback', { at: `${callback.origin}${callback.pathname}`, heading, page: text });
    if (shots) await page.screenshot({ path: join(shots, 'callback.png'), fullPage: true });
    if (pageErrors.length > 0) {
      fail(`the pages reported errors: ${pageErrors.join(' | ')}`);
      return;
    }
    if (heading !== 'Signed in') {
      fail(`the callback page says ${JSON.stringify(text)}`);
      return;
    }
    log('done');
  } catch (error) {
    fail(String(error?.message ?? error).split('\n')[0]);
  } finally {
    await context?.close().catch(() => {});
    rmSync(profile, { recursive: true, force: true });
  }
}

await main();
clearTimeout(watchdog);
