// The framework integrations' tests (notify-spring-boot-starter's AbstractSpringBootAppTest, notify-cdi's ClientsIT,
// examples/cdi's CdiExampleIT): the official JavaScript client connects to an application, waits for the
// application's greeting, then for one event that an application service bean sends. Prints the line "joined" once
// greeted, so the test knows when to send, then ONE JSON line with what it observed; exits non-zero with a message
// on stderr on any error or timeout.
//
//   node app-client.mjs <url> <path> <default|websocket> <greeting event> <event>
import { io } from "socket.io-client";
import { clientOptions, connected, failer, observe, upgraded, within } from "./common.mjs";

const TIMEOUT_MS = Number(process.env.INTEROP_TIMEOUT_MS ?? 20000);
const [url, path, mode, greeting, event] = process.argv.slice(2);
const fail = failer("app-client");

const options = clientOptions(mode, ["websocket"], { path }) ?? fail(`unknown mode ${mode}`);
const socket = io(url, options);
const observed = { mode };
socket.io.on("open", () => { observed.initialTransport = socket.io.engine.transport.name; });
const greeted = within(greeting, (ok) => socket.once(greeting, ok), TIMEOUT_MS);
const received = within(event, (ok) => socket.once(event, ok), TIMEOUT_MS);

await observe(socket, observed, fail, async () => {
  await connected(socket, TIMEOUT_MS);
  observed.greeting = await greeted;
  process.stdout.write("joined\n");
  if (mode === "default") await upgraded(socket, TIMEOUT_MS);
  observed.received = await received;
});
