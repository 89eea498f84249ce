// notify-cdi's integration tests (dev.notify.cdi.ClientsIT): the official JavaScript client joins room "news" of a
// CDI application and waits for the headline an application service bean sends there. Prints ONE JSON line with
// what it observed; exits non-zero with a message on stderr on any error or timeout.
//
//   node cdi-news.mjs <url> <path> <default|websocket>
import { io } from "socket.io-client";

const TIMEOUT_MS = Number(process.env.INTEROP_TIMEOUT_MS ?? 20000);
const [url, path, mode] = process.argv.slice(2);

function fail(message) {
  process.stderr.write(`cdi-news: ${message}\n`);
  process.exit(1);
}

/** Resolves with the value `register(resolve)` delivers, or rejects after the deadline. */
function within(what, register) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what}: nothing within ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
    register((value) => {
      clearTimeout(timer);
      resolve(value);
    }, (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

const options = { path, forceNew: true, reconnection: false, query: { client: `node-${mode}` } };
if (mode === "websocket") options.transports = ["websocket"];
else if (mode !== "default") fail(`unknown mode ${mode}`);

const socket = io(url, options);
const observed = { mode };
socket.io.on("open", () => { observed.initialTransport = socket.io.engine.transport.name; });
const joined = within("joined", (ok) => socket.once("joined", ok));
const headline = within("headline", (ok) => socket.once("headline", ok));

try {
  await within("connect", (ok, ko) => {
    socket.once("connect", ok);
    socket.once("connect_error", (e) => ko(new Error(`connect_error: ${e.message}`)));
  });
  observed.room = await joined;
  if (mode === "default") {
    await within("upgrade to websocket", (ok) => {
      if (socket.io.engine.transport.name === "websocket") ok();
      else socket.io.engine.once("upgrade", ok);
    });
  }
  observed.headline = await headline;
  observed.finalTransport = socket.io.engine.transport.name;
  socket.disconnect();
  process.stdout.write(JSON.stringify(observed) + "\n");
  process.exit(0);
} catch (e) {
  fail(`${e.message} (observed so far: ${JSON.stringify(observed)})`);
}
