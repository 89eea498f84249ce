// The CDI integration's tests (notify-cdi's ClientsIT, examples/cdi's CdiExampleIT): the official JavaScript client
// connects to a CDI application, waits for the application's greeting, then for one event that an application
// service bean sends. Prints the line "joined" once greeted, so the test knows when to send, then ONE JSON line with
// what it observed; exits non-zero with a message on stderr on any error or timeout.
//
//   node cdi-client.mjs <url> <path> <default|websocket> <greeting event> <event>
import { io } from "socket.io-client";

const TIMEOUT_MS = Number(process.env.INTEROP_TIMEOUT_MS ?? 20000);
const [url, path, mode, greeting, event] = process.argv.slice(2);

function fail(message) {
  process.stderr.write(`cdi-client: ${message}\n`);
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

const options = { path, forceNew: true, reconnection: false };
if (mode === "websocket") options.transports = ["websocket"];
else if (mode !== "default") fail(`unknown mode ${mode}`);

const socket = io(url, options);
const observed = { mode };
socket.io.on("open", () => { observed.initialTransport = socket.io.engine.transport.name; });
const greeted = within(greeting, (ok) => socket.once(greeting, ok));
const received = within(event, (ok) => socket.once(event, ok));

try {
  await within("connect", (ok, ko) => {
    socket.once("connect", ok);
    socket.once("connect_error", (e) => ko(new Error(`connect_error: ${e.message}`)));
  });
  observed.greeting = await greeted;
  process.stdout.write("joined\n");
  if (mode === "default") {
    await within("upgrade to websocket", (ok) => {
      if (socket.io.engine.transport.name === "websocket") ok();
      else socket.io.engine.once("upgrade", ok);
    });
  }
  observed.received = await received;
  observed.finalTransport = socket.io.engine.transport.name;
  socket.disconnect();
  process.stdout.write(JSON.stringify(observed) + "\n");
  process.exit(0);
} catch (e) {
  fail(`${e.message} (observed so far: ${JSON.stringify(observed)})`);
}
