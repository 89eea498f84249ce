// The Spring Boot starter's app tests (notify-spring-boot-starter AbstractSpringBootAppTest): the official client
// connects to the application, which puts it in the room "news"; the test then has a service bean publish a headline
// to that room. Prints ONE JSON line with the headline and the transport the client ended on; exits non-zero with a
// message on stderr on any error or timeout. Every wait has its own deadline.
//
//   node spring-app.mjs <url> <label> <default|websocket>
import { io } from "socket.io-client";

const TIMEOUT_MS = Number(process.env.INTEROP_TIMEOUT_MS ?? 20000);
const [url, label, mode] = process.argv.slice(2);

function fail(message) {
  process.stderr.write(`${label}: ${message}\n`);
  process.exit(1);
}

/** Resolves with the value `register(resolve)` delivers, or rejects after the deadline. */
function within(what, register, ms = TIMEOUT_MS) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what}: nothing within ${ms} ms`)), ms);
    register((value) => {
      clearTimeout(timer);
      resolve(value);
    }, (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

const options = { forceNew: true, reconnection: false, query: { label } };
if (mode === "websocket") options.transports = ["websocket"];
else if (mode !== "default") fail(`unknown mode ${mode}`);

const socket = io(url, options);
const observed = { label, mode };
const headline = within("headline", (ok) => socket.on("headline", ok));
socket.io.on("open", () => { observed.initialTransport = socket.io.engine.transport.name; });

try {
  await within("connect", (ok, ko) => {
    socket.once("connect", ok);
    socket.once("connect_error", (e) => ko(new Error(`connect_error: ${e.message}`)));
  });
  const upgraded = mode === "default"
    ? within("upgrade to websocket", (ok) => {
        if (socket.io.engine.transport.name === "websocket") ok();
        else socket.io.engine.once("upgrade", ok);
      })
    : null;
  observed.headline = await headline;
  if (upgraded) await upgraded;
  observed.finalTransport = socket.io.engine.transport.name;
  socket.disconnect();
  process.stdout.write(JSON.stringify(observed) + "\n");
  process.exit(0);
} catch (e) {
  fail(e.message);
}
