// Drives the notification demo's page (examples/src/main/resources/demo/) in headless Chromium, as a user would,
// for NotificationDemoE2EIT.java, and prints ONE JSON line with what the two tabs showed. Exits non-zero, with a
// message and both tabs' state on stderr, on any error or timeout; every wait has its own deadline.
//
//   node demo-e2e.mjs <demo url, e.g. http://127.0.0.1:8080/> <user>
//
// Env: CHROMIUM (default /usr/bin/chromium), DEMO_E2E_TIMEOUT_MS (default 20000, per wait).
//
// 1. opens two tabs of <user>: tab 1 on node 1, tab 2 on node 2; waits until both are connected;
// 2. clicks "send an order notification" in tab 1 (POST /orders: the socket-less order service stores it, a node
//    delivers it); waits until both tabs list it, unread, with badge 1;
// 3. clicks it in tab 1 ("notification:read"); waits until both tabs show it read with badge 0 (tab 2 through
//    "notification:read-sync" from node 1, across the cluster).
import { chromium } from "playwright-core";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const [baseUrl, user] = process.argv.slice(2);
if (!baseUrl || !user) {
  process.stderr.write("usage: node demo-e2e.mjs <demo url> <user>\n");
  process.exit(2);
}
const TIMEOUT_MS = Number(process.env.DEMO_E2E_TIMEOUT_MS ?? 20000);
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
// REFERENCE.md, "Browser tests": without the background-networking flags Chromium keeps trying to reach the internet
const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];

const profile = mkdtempSync(join(tmpdir(), "notify-demo-e2e-"));  // a fresh --user-data-dir
const problems = [];  // page errors and console errors, reported in the result
let context;
const tabs = [];

/** What a tab shows: connection state, badge, items (newest first). */
async function snapshot(page) {
  return page.evaluate(() => {
    const q = (id) => document.querySelector(`[data-testid="${id}"]`);
    return {
      state: q("connection-state")?.dataset.state,
      stateText: q("connection-state")?.textContent,
      node: q("node")?.textContent,
      user: q("user")?.textContent,
      badge: q("unread-badge")?.textContent,
      status: q("status")?.textContent,
      items: [...document.querySelectorAll('[data-testid="notification-item"]')].map((li) => ({
        id: li.dataset.id,
        status: li.dataset.status,
        title: li.querySelector(".title")?.textContent,
        message: li.querySelector(".message")?.textContent,
      })),
    };
  });
}

/** Waits up to TIMEOUT_MS until `predicate(snapshot)` holds in the page; fails naming `what`. */
async function waitFor(page, what, predicate, arg) {
  try {
    await page.waitForFunction(predicate, arg, { timeout: TIMEOUT_MS, polling: 50 });
  } catch (e) {
    throw new Error(`${what}: not within ${TIMEOUT_MS} ms (${e.message.split("\n")[0]})`);
  }
}

async function openTab(node) {
  const page = tabs.length === 0 && context.pages().length > 0 ? context.pages()[0] : await context.newPage();
  page.on("pageerror", (e) => problems.push(`tab ${node}: page error: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`tab ${node}: console error: ${m.text()}`);
  });
  tabs.push(page);
  const url = new URL(`?user=${encodeURIComponent(user)}&node=${node}`, baseUrl).toString();
  await page.goto(url, { timeout: TIMEOUT_MS });
  return page;
}

const connected = () => document.querySelector('[data-testid="connection-state"]')?.dataset.state === "connected";

function tabShows(expected) {
  const items = [...document.querySelectorAll('[data-testid="notification-item"]')];
  const badge = document.querySelector('[data-testid="unread-badge"]')?.textContent;
  return badge === expected.badge && items.length === expected.count
    && items.every((li) => li.dataset.status === expected.status);
}

async function main() {
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    timeout: Math.max(TIMEOUT_MS, 60000),
  });
  const tab1 = await openTab(1);
  const tab2 = await openTab(2);
  await waitFor(tab1, "tab 1 connected to node 1", connected);
  await waitFor(tab2, "tab 2 connected to node 2", connected);
  const start = { tab1: await snapshot(tab1), tab2: await snapshot(tab2) };

  await tab1.getByTestId("send-order").click({ timeout: TIMEOUT_MS });
  await waitFor(tab1, "the order service's answer in tab 1",
    () => /notification \S+ sent/.test(document.querySelector('[data-testid="status"]')?.textContent ?? ""));
  const sentId = /notification (\S+) sent/.exec((await snapshot(tab1)).status)[1];
  const unreadOne = { badge: "1", count: 1, status: "unread" };
  await waitFor(tab1, "tab 1 lists the notification, unread, badge 1", tabShows, unreadOne);
  await waitFor(tab2, "tab 2 lists the notification, unread, badge 1", tabShows, unreadOne);
  const delivered = { tab1: await snapshot(tab1), tab2: await snapshot(tab2) };

  await tab1.locator(`[data-testid="notification-item"][data-id="${sentId}"]`).click({ timeout: TIMEOUT_MS });
  const readOne = { badge: "0", count: 1, status: "read" };
  await waitFor(tab1, "tab 1 shows it read, badge 0", tabShows, readOne);
  await waitFor(tab2, "tab 2 shows it read, badge 0 (read-sync from the other node)", tabShows, readOne);
  const read = { tab1: await snapshot(tab1), tab2: await snapshot(tab2) };

  return { browser: context.browser()?.version() ?? null, sentId, start, delivered, read, problems };
}

let exitCode = 0;
try {
  const result = await main();
  process.stdout.write(JSON.stringify(result) + "\n");
} catch (e) {
  exitCode = 1;
  process.stderr.write(`demo-e2e failed: ${e.stack ?? e}\n`);
  for (const [i, page] of tabs.entries()) {
    try {
      process.stderr.write(`tab ${i + 1} (${page.url()}): ${JSON.stringify(await snapshot(page))}\n`);
    } catch (inner) {
      process.stderr.write(`tab ${i + 1}: no snapshot (${inner.message})\n`);
    }
  }
  if (problems.length) process.stderr.write(`page problems:\n  ${problems.join("\n  ")}\n`);
} finally {
  await context?.close().catch(() => {});
  rmSync(profile, { recursive: true, force: true });
}
process.exit(exitCode);
