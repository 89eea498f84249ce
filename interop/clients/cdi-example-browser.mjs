// Drives the CDI example's page (examples/cdi, CdiExampleIT) in headless Chromium as a user would: waits until the
// page is connected, sends a notification with its form (POST /notifications, which the application's service bean
// broadcasts through notify), and waits until the page lists it. Prints ONE JSON line with what the page showed;
// exits non-zero with a message on stderr on any error or timeout.
//
//   node cdi-example-browser.mjs <page url> <text>
//
// Env: CHROMIUM (default /usr/bin/chromium), INTEROP_TIMEOUT_MS (default 20000, per wait).
import { chromium } from "playwright-core";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const [url, text] = process.argv.slice(2);
const TIMEOUT_MS = Number(process.env.INTEROP_TIMEOUT_MS ?? 20000);
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
// REFERENCE.md, "Browser tests": without the background-networking flags Chromium keeps trying to reach the internet
const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];

const profile = mkdtempSync(join(tmpdir(), "notify-cdi-browser-"));  // a fresh --user-data-dir
const problems = [];
let context;
let exitCode = 0;
try {
  context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args: FLAGS });
  const page = context.pages()[0] ?? await context.newPage();
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("console", (m) => { if (m.type() === "error") problems.push(`console error: ${m.text()}`); });
  await page.goto(url, { timeout: TIMEOUT_MS });
  await page.waitForFunction(() => document.querySelector('[data-testid="status"]').dataset.state === "connected",
    null, { timeout: TIMEOUT_MS, polling: 50 });
  await page.fill("#text", text);
  await page.click("button");
  await page.waitForFunction((t) => [...document.querySelectorAll('[data-testid="notifications"] li')]
    .some((li) => li.textContent.startsWith(t)), text, { timeout: TIMEOUT_MS, polling: 50 });
  const shown = await page.evaluate(() => ({
    status: document.querySelector('[data-testid="status"]').textContent,
    items: [...document.querySelectorAll('[data-testid="notifications"] li')].map((li) => li.textContent),
  }));
  process.stdout.write(JSON.stringify({ ...shown, problems }) + "\n");
} catch (e) {
  process.stderr.write(`cdi-example-browser: ${e.message.split("\n")[0]} (problems: ${JSON.stringify(problems)})\n`);
  exitCode = 1;
} finally {
  await context?.close();
  rmSync(profile, { recursive: true, force: true });
}
process.exit(exitCode);
