// Drives the official Socket.IO Admin UI (@socket.io/admin-ui 0.5.1, its static ui/dist/) in headless Chromium, as
// a user would, for notify's Admin UI interop tests.
//
//   node clients/admin-ui-e2e.mjs <uiUrl, e.g. http://127.0.0.1:3000/admin-ui/> <serverUrl> <username> <password>
//
// Env: CHROMIUM (default /usr/bin/chromium), ADMIN_E2E_TIMEOUT_MS (default 20000, per wait).
//
// Opens the UI, connects through its connection modal (admin namespace /admin, path /socket.io, default transports),
// waits until connected and configured, prints {"ready":true,...}, then answers JSON commands read line by line on
// stdin, one JSON line each, with the command's "id" (errors as {"id":N,"error":"..."}, the UI state then on stderr):
//   {"id":1,"cmd":"servers"[,"minServers":2]}  -> {"id":1,"servers":[{serverId,hostname,pid,uptime,clientsCount,
//        pollingClientsCount,healthy,namespaces:[{name,socketsCount}]}]}   (the vuex servers module, fed by
//        "server_stats"; with minServers, first waits until the UI knows that many)
//   {"id":2,"cmd":"sockets"[,"minSockets":N]} -> {"id":2,"sockets":[{id,nsp,rooms,transport,clientId,connected,address,data}]}
//        (the vuex main module, fed by "all_sockets", "socket_connected", "socket_updated", "socket_disconnected",
//        "room_joined", "room_left")
//   {"id":3,"cmd":"config"}                    -> {"id":3,"supportedFeatures":[...],"connected":true|false}
//   {"id":4,"cmd":"emit","nsp":"/","room":"r","event":"e","args":"[1,\"two\"]"} -> {"id":4,"done":true,"via":...}
//        args: JSON text of the array of arguments (a non-array value is one argument). The 0.5.1 UI has NO emit
//        form (SocketRooms.vue: `emit() { // TODO }`; no component emits "emit"), so this sends
//        ("emit", nsp, room, event, ...args) on the UI's own admin socket, captured when the UI registered its
//        listeners on it (App.registerEventListeners); "via":"ui-admin-socket" says so.
//   {"id":5,"cmd":"disconnect","nsp":"/","socketId":"..."} -> {"id":5,"done":true,"opened":"row"|"route"}
//        Sockets page -> namespace -> click the socket's row (or, when it is not on the table's first page, the
//        route the row click pushes) -> socket page -> clicks "Disconnect this Socket instance"; answers once the
//        UI no longer lists the socket (the server's "socket_disconnected" arrived).
//   {"id":6,"cmd":"screenshot","path":"/tmp/x.png"} -> {"id":6,"done":true}   (full page of the dashboard)
//   {"id":7,"cmd":"login","username":"...","password":"..."} -> {"id":7,"connected":true}
//        or {"id":7,"connected":false,"error":"invalid credentials"}   ("Update" in the app bar, then the modal)
//   {"id":8,"cmd":"store"}                     -> {"id":8,"state":{...}}   (the UI state dumped on failures)
// Every line carries "problems": page errors and console errors (not the blocked internet font/icon requests).
// stdin closed -> closes the browser, exits 0. Startup failures exit 1 with a message and the UI state on stderr.
//
// How the UI is read and driven: actions go through the DOM as a user would (modal fields, switches, buttons,
// navigation drawer links, table rows, the socket page's disconnect button); what the UI knows is read from its
// vuex store, document.querySelector("#app").__vue__.$root.$store.state (connection.connected, config.supportedFeatures,
// servers.servers, main.namespaces[].sockets), far more robust than scraping Vuetify tables; the App component's
// data (showConnectionModal, isConnecting, connectionError) tells how a login attempt ended.
import { chromium } from "playwright-core";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import readline from "node:readline";

const [uiUrl, serverUrl, username, password] = process.argv.slice(2);
if (!uiUrl || !serverUrl || username === undefined || password === undefined) {
  process.stderr.write("usage: node clients/admin-ui-e2e.mjs <uiUrl> <serverUrl> <username> <password>\n");
  process.exit(2);
}
const TIMEOUT_MS = Number(process.env.ADMIN_E2E_TIMEOUT_MS ?? 20000);
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
// REFERENCE.md, "Browser tests": without the background-networking flags Chromium keeps trying to reach the internet
const FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];
const ADMIN_NAMESPACE = "/admin";
const ADMIN_PATH = "/socket.io";

const profile = mkdtempSync(join(tmpdir(), "notify-admin-ui-e2e-"));  // a fresh --user-data-dir: no saved session
const problems = [];
const blocked = new Set();  // internet URLs we abort (Google Fonts, jsdelivr icons): their failures are no problem
let context;
let page;

const out = (o) => process.stdout.write(JSON.stringify({ ...o, problems }) + "\n");

// ---- in-page helpers (run in the browser through page.evaluate / waitForFunction) ----

/** The UI state: store + App component flags + route; dumped on failures. */
function uiState() {
  const root = document.querySelector("#app")?.__vue__?.$root;
  if (!root?.$store) return { app: "not mounted", body: document.body?.innerText?.slice(0, 500) };
  const app = root.$children.find((c) => c.$options.name === "App");
  const s = root.$store.state;
  return {
    route: root.$route?.fullPath,
    app: app && { showConnectionModal: app.showConnectionModal, isConnecting: app.isConnecting, connectionError: app.connectionError },
    connection: s.connection,
    config: s.config,
    servers: s.servers.servers.map(({ aggregatedEvents, ...server }) => server),
    namespaces: s.main.namespaces.map((n) => ({
      name: n.name,
      sockets: n.sockets.map((x) => ({ id: x.id, rooms: x.rooms, transport: x.transport, connected: x.connected })),
      rooms: n.rooms.map((r) => ({ name: r.name, sockets: r.sockets.length })),
      events: n.events.length,
    })),
    selectedNamespace: s.main.selectedNamespace?.name ?? null,
    clients: s.main.clients.length,
  };
}

async function dumpState(why) {
  try {
    const state = await page.evaluate(uiState);
    process.stderr.write(`admin-ui-e2e: ${why}\nUI state (${page.url()}): ${JSON.stringify(state)}\n`);
  } catch (e) {
    process.stderr.write(`admin-ui-e2e: ${why}\nUI state: unavailable (${e.message})\n`);
  }
}

/** Waits up to TIMEOUT_MS until `predicate(arg)` holds in the page; fails naming `what`. */
async function waitFor(what, predicate, arg) {
  try {
    return await page.waitForFunction(predicate, arg, { timeout: TIMEOUT_MS, polling: 50 });
  } catch (e) {
    throw new Error(`${what}: not within ${TIMEOUT_MS} ms (${e.message.split("\n")[0]})`);
  }
}

/** Runs a Playwright action with its own deadline, naming it on failure. */
async function act(what, action) {
  try {
    return await action();
  } catch (e) {
    throw new Error(`${what}: ${e.message.split("\n")[0]}`);
  }
}

// ---- the connection modal ----

const modal = () => page.locator(".v-dialog.v-dialog--active");

/** Fills the connection modal and submits it; returns {connected, error}. */
async function loginThroughModal(user, pass) {
  await waitFor("the connection modal to open", () => {
    const app = document.querySelector("#app")?.__vue__?.$root.$children.find((c) => c.$options.name === "App");
    return app?.showConnectionModal && document.querySelector(".v-dialog.v-dialog--active form");
  });
  const dialog = modal();
  await act("filling Server URL", () => dialog.getByLabel("Server URL").fill(serverUrl, { timeout: TIMEOUT_MS }));
  await act("filling Username", () => dialog.getByLabel("Username").fill(user, { timeout: TIMEOUT_MS }));
  await act("filling Password", () => dialog.getByLabel("Password").fill(pass, { timeout: TIMEOUT_MS }));
  // advanced options: admin namespace and path, websocket-only off (default transports: polling then websocket)
  const advanced = dialog.getByRole("switch", { name: "Advanced options" });
  if ((await advanced.getAttribute("aria-checked", { timeout: TIMEOUT_MS })) !== "true") {
    await act("opening Advanced options", () => advanced.click({ force: true, timeout: TIMEOUT_MS }));
  }
  const wsOnly = dialog.getByRole("switch", { name: "WebSocket only?" });
  if ((await wsOnly.getAttribute("aria-checked", { timeout: TIMEOUT_MS })) === "true") {
    await act("turning WebSocket only off", () => wsOnly.click({ force: true, timeout: TIMEOUT_MS }));
  }
  await act("filling Admin namespace", () => dialog.getByLabel("Admin namespace").fill(ADMIN_NAMESPACE, { timeout: TIMEOUT_MS }));
  await act("filling Path", () => dialog.getByLabel("Path").fill(ADMIN_PATH, { timeout: TIMEOUT_MS }));
  await act("clicking Connect", () => dialog.getByRole("button", { name: "Connect" }).click({ timeout: TIMEOUT_MS }));
  // How the attempt ended. Once the UI has had a socket, its Socket.prototype is patched (start()) and records the
  // new socket's own "connect"/"connect_error": the UI's App state alone can mislead, as tryConnect() disconnects
  // the old socket, whose "disconnect" handler sets connectionError = "io client disconnect" and isConnecting = false
  // before the new socket has any answer. Before that (the first login), there is no old socket to mislead.
  const result = await waitFor("the login attempt to end (connected, or an error in the modal)", () => {
    const root = document.querySelector("#app").__vue__.$root;
    const app = root.$children.find((c) => c.$options.name === "App");
    const connected = root.$store.state.connection.connected && !app.showConnectionModal && !app.isConnecting;
    if (window.__notifyProtoPatched) {
      const outcome = window.__notifyLoginEvents?.[0];
      if (outcome?.ev === "connect") return connected && { connected: true };
      if (outcome?.ev === "connect_error") return app.showConnectionModal && { connected: false, error: outcome.message };
      return false;
    }
    if (app.isConnecting) return false;
    if (app.connectionError) return { connected: false, error: app.connectionError };
    return connected && { connected: true };
  });
  return result.jsonValue();
}

async function awaitConfigured() {
  await waitFor(`the "config" event (supportedFeatures) from ${serverUrl}${ADMIN_NAMESPACE}`,
    () => document.querySelector("#app").__vue__.$store.state.config.supportedFeatures.length > 0);
}

// ---- navigation (navigation drawer links, as a user clicks them) ----

async function navigate(routeName, href, breadcrumb) {
  await act(`clicking "${breadcrumb}" in the navigation drawer`,
    () => page.locator(`.v-navigation-drawer a[href="${href}"]`).click({ timeout: TIMEOUT_MS }));
  await waitFor(`the ${breadcrumb} page`, ([r, b]) => {
    const root = document.querySelector("#app").__vue__.$root;
    const crumbs = [...document.querySelectorAll(".v-main .v-breadcrumbs")];
    // the leaving view is hidden at once (hide-on-leave), so exactly one breadcrumb bar is left
    return root.$route.name === r && crumbs.length === 1 && crumbs[0].innerText.trim() === b;
  }, [routeName, breadcrumb]);
}

// ---- commands ----

async function servers(c) {
  if (c.minServers) {
    await waitFor(`the UI to know ${c.minServers} server(s) (server_stats)`,
      (n) => document.querySelector("#app").__vue__.$store.state.servers.servers.length >= n, c.minServers);
  }
  return {
    servers: await page.evaluate(() => JSON.parse(JSON.stringify(
      document.querySelector("#app").__vue__.$store.state.servers.servers.map((s) => ({
        serverId: s.serverId, hostname: s.hostname, pid: s.pid, uptime: s.uptime, clientsCount: s.clientsCount,
        pollingClientsCount: s.pollingClientsCount, healthy: s.healthy, lastPing: s.lastPing,
        namespaces: (s.namespaces ?? []).map(({ name, socketsCount }) => ({ name, socketsCount })),
      }))))),
  };
}

function listSockets() {
  const state = document.querySelector("#app").__vue__.$store.state;
  return JSON.parse(JSON.stringify(state.main.namespaces.flatMap((n) => n.sockets.map((s) => ({
    id: s.id, nsp: s.nsp, rooms: s.rooms, transport: s.transport, clientId: s.clientId, connected: s.connected,
    address: s.handshake?.address, data: s.data,
  })))));
}

async function sockets(c) {
  if (c.minSockets) {
    await waitFor(`the UI to list ${c.minSockets} socket(s)`, (n) => document.querySelector("#app").__vue__
      .$store.state.main.namespaces.reduce((sum, ns) => sum + ns.sockets.length, 0) >= n, c.minSockets);
  }
  return { sockets: await page.evaluate(listSockets) };
}

async function config() {
  return page.evaluate(() => {
    const s = document.querySelector("#app").__vue__.$store.state;
    return { supportedFeatures: [...s.config.supportedFeatures], connected: s.connection.connected };
  });
}

async function emit(c) {
  let args = c.args ?? "[]";
  if (typeof args === "string") {
    try {
      args = args.trim() === "" ? [] : JSON.parse(args);
    } catch (e) {
      throw new Error(`args is not JSON text: ${e.message}`);
    }
  }
  if (!Array.isArray(args)) args = [args];
  const features = (await config()).supportedFeatures;
  if (!features.includes("EMIT")) throw new Error(`the server does not announce EMIT (supportedFeatures ${JSON.stringify(features)})`);
  await waitFor("the UI's admin socket to be connected", () => window.__notifyAdminSocket?.connected === true);
  await page.evaluate(({ nsp, room, event, args }) => {
    window.__notifyAdminSocket.emit("emit", nsp, room ?? "", event, ...args);
  }, { nsp: c.nsp ?? "/", room: c.room ?? "", event: c.event, args });
  await waitFor("the emit to leave the UI's admin socket", () => window.__notifyAdminSocket.sendBuffer.length === 0);
  return { done: true, via: "ui-admin-socket" };
}

async function disconnect(c) {
  const nsp = c.nsp ?? "/";
  const id = c.socketId;
  if (!id) throw new Error("socketId missing");
  const features = (await config()).supportedFeatures;
  if (!features.includes("DISCONNECT")) throw new Error(`the server does not announce DISCONNECT (supportedFeatures ${JSON.stringify(features)})`);
  await waitFor(`the UI to list socket ${id} of ${nsp}`, ([nsp, id]) => document.querySelector("#app").__vue__
    .$store.getters["main/findSocketById"](nsp, id)?.connected === true, [nsp, id]);

  await navigate("sockets", "#/sockets", "Sockets");
  // the namespace selector's change handler commits main/selectNamespace with the namespace object: same commit
  await page.evaluate((nsp) => {
    const store = document.querySelector("#app").__vue__.$store;
    store.commit("main/selectNamespace", store.state.main.namespaces.find((n) => n.name === nsp));
  }, nsp);
  const row = page.locator(".v-data-table tbody tr").filter({ has: page.locator("td", { hasText: id }) });
  await waitFor("the Sockets table to show the namespace's sockets", (nsp) =>
    document.querySelector("#app").__vue__.$store.state.main.selectedNamespace?.name === nsp
    && document.querySelectorAll(".v-main .v-data-table tbody tr").length > 0, nsp);
  let opened;
  if (await row.count() > 0) {
    await act(`clicking the row of socket ${id}`, () => row.first().locator("td").first().click({ timeout: TIMEOUT_MS }));
    opened = "row";
  } else {
    // not on the table's first page: the route that the row's click pushes (Sockets.vue displayDetails)
    await page.evaluate(([nsp, id]) => {
      document.querySelector("#app").__vue__.$root.$router.push({ name: "socket", params: { nsp, id } });
    }, [nsp, id]);
    opened = "route";
  }
  await waitFor(`the socket page of ${id}`, (id) => {
    const root = document.querySelector("#app").__vue__.$root;
    return root.$route.name === "socket" && root.$route.params.id === id
      && [...document.querySelectorAll(".v-main td")].some((td) => td.innerText.trim() === id);
  }, id);
  // the socket's table (the one with its id) holds the socket's disconnect button; the client's table has another
  const socketTable = page.locator(".v-main table").filter({ has: page.getByRole("cell", { name: id, exact: true }) });
  const button = socketTable.locator("button:has(.mdi-logout)");
  await act(`clicking the disconnect button of socket ${id}`, () => button.click({ timeout: TIMEOUT_MS }));
  await waitFor(`the UI to drop socket ${id} after its disconnect button (socket_disconnected)`, ([nsp, id]) =>
    !document.querySelector("#app").__vue__.$store.getters["main/findSocketById"](nsp, id), [nsp, id]);
  return { done: true, opened };
}

async function screenshot(c) {
  if (!c.path) throw new Error("path missing");
  await navigate("dashboard", "#/", "Dashboard");
  await waitFor("the dashboard cards and charts", () =>
    document.querySelectorAll(".v-main .v-card").length >= 3
    && [...document.querySelectorAll(".v-main canvas")].every((cv) => cv.width > 0 && cv.height > 0)
    && document.querySelectorAll(".v-main canvas").length >= 2);
  // Chart.js animates for about a second: wait until the canvases have not changed for 500 ms
  await waitFor("the dashboard charts to finish drawing", () => {
    const pixels = [...document.querySelectorAll(".v-main canvas")].map((cv) => cv.toDataURL()).join("|");
    const last = window.__notifyCharts;
    if (!last || last.pixels !== pixels) {
      window.__notifyCharts = { pixels, since: Date.now() };
      return false;
    }
    return Date.now() - last.since >= 500;
  });
  await page.evaluate(() => delete window.__notifyCharts);
  await act("taking the screenshot", () => page.screenshot({ path: c.path, fullPage: true, timeout: TIMEOUT_MS }));
  return { done: true };
}

async function login(c) {
  const modalOpen = await page.evaluate(() => document.querySelector("#app").__vue__.$root.$children
    .find((x) => x.$options.name === "App").showConnectionModal);
  if (!modalOpen) {
    // the app bar's "Update" button (the other one, in the app bar extension, is hidden at this width)
    await act('clicking "Update" in the app bar',
      () => page.locator(".v-app-bar").getByRole("button", { name: "Update" }).locator("visible=true").first().click({ timeout: TIMEOUT_MS }));
  }
  const result = await loginThroughModal(c.username ?? "", c.password ?? "");
  if (result.connected) await awaitConfigured();
  return result;
}

async function store() {
  return { state: await page.evaluate(uiState) };
}

const COMMANDS = { servers, sockets, config, emit, disconnect, screenshot, login, store };

// ---- startup ----

async function start() {
  const allowedHosts = new Set([new URL(uiUrl).host, new URL(serverUrl).host]);
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport: { width: 1400, height: 1000 },  // Vuetify "lg": navigation drawer and app bar "Update" button shown
    timeout: Math.max(TIMEOUT_MS, 60000),
  });
  // no internet: fail the Google Fonts / jsdelivr icon requests at once (a pending stylesheet delays the scripts)
  await context.route((url) => !["data:", "blob:"].includes(url.protocol) && !allowedHosts.has(url.host), (route) => {
    blocked.add(route.request().url());
    return route.abort();
  });
  page = context.pages()[0] ?? await context.newPage();
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() !== "error") return;
    if (blocked.has(m.location()?.url)) return;
    problems.push(`console error: ${m.text()}`);
  });
  page.on("dialog", (d) => d.accept().catch(() => {}));  // confirm any dialog (0.5.1 has none)
  await act(`opening ${uiUrl}`, () => page.goto(uiUrl, { waitUntil: "domcontentloaded", timeout: TIMEOUT_MS }));
  await waitFor("the UI (Vue app with its vuex store) to mount",
    () => !!document.querySelector("#app")?.__vue__?.$store
      && !!document.querySelector("#app").__vue__.$root.$children.find((c) => c.$options.name === "App"));
  // App.tryConnect() calls this.registerEventListeners(socket) with the admin socket once connected; wrapping it
  // keeps a handle on the UI's own socket (the emit command's only way through the UI; see the header)
  // tryConnect() is wrapped so that only the events of the socket it creates count as the attempt's outcome, and
  // Socket.prototype (known from the first socket) so that those events are recorded (see loginThroughModal)
  await page.evaluate(() => {
    const app = document.querySelector("#app").__vue__.$root.$children.find((c) => c.$options.name === "App");
    const register = app.registerEventListeners;
    app.registerEventListeners = (socket) => {
      window.__notifyAdminSocket = socket;
      // called from the new socket's once("connect"): that is the attempt's outcome, even before the patch below
      if (window.__notifyLoginEvents?.length === 0) window.__notifyLoginEvents.push({ ev: "connect" });
      const proto = Object.getPrototypeOf(socket);
      if (!window.__notifyProtoPatched) {
        const emitReserved = proto.emitReserved;
        proto.emitReserved = function (ev, ...args) {
          if ((ev === "connect" || ev === "connect_error") && window.__notifyLoginEvents) {
            window.__notifyLoginEvents.push({ ev, message: args[0]?.message });
          }
          return emitReserved.call(this, ev, ...args);
        };
        window.__notifyProtoPatched = true;
      }
      return register(socket);
    };
    const tryConnect = app.tryConnect;
    app.tryConnect = (...args) => {
      window.__notifyLoginEvents = null;  // the old socket's "disconnect", fired inside, is no outcome
      const r = tryConnect(...args);
      window.__notifyLoginEvents = [];
      return r;
    };
  });
  const result = await loginThroughModal(username, password);
  if (!result.connected) throw new Error(`login to ${serverUrl}${ADMIN_NAMESPACE} failed: ${result.error}`);
  await awaitConfigured();
}

try {
  await start();
} catch (e) {
  process.stderr.write(`admin-ui-e2e failed: ${e.stack ?? e}\n`);
  if (page) await dumpState("startup failed");
  if (problems.length) process.stderr.write(`page problems:\n  ${problems.join("\n  ")}\n`);
  await context?.close().catch(() => {});
  rmSync(profile, { recursive: true, force: true });
  process.exit(1);
}
out({ ready: true });

// one command at a time: they drive the same page
let queue = Promise.resolve();
const rl = readline.createInterface({ input: process.stdin });
rl.on("line", (line) => {
  if (!line.trim()) return;
  queue = queue.then(async () => {
    let c;
    try {
      c = JSON.parse(line);
    } catch {
      out({ error: `bad command ${line}` });
      return;
    }
    const handler = COMMANDS[c.cmd];
    if (!handler) {
      out({ id: c.id, error: `unknown command ${c.cmd}` });
      return;
    }
    try {
      out({ id: c.id, ...(await handler(c)) });
    } catch (e) {
      await dumpState(`command ${line} failed: ${e.message}`);
      out({ id: c.id, error: String(e?.message ?? e) });
    }
  });
});
rl.on("close", async () => {
  await queue;
  await context?.close().catch(() => {});
  rmSync(profile, { recursive: true, force: true });
  process.exit(0);
});
