// An upgrade under traffic (notify-jakarta dev.notify.jakarta.container.ContainerUpgradeUnderTrafficIT): the
// server starts emitting numbered "n" events as soon as the client connects over polling, while the client
// upgrades to WebSocket with its default transports. The client tells the server when its upgrade is done
// ("upgraded"), receives until the "end" event, and prints ONE JSON line: every number in arrival order, how many
// had arrived when the upgrade completed, and the transports. Every wait has a deadline.
//
//   node containers-traffic.mjs <url> <label> <count>
import { io } from "socket.io-client";

const TIMEOUT_MS = Number(process.env.INTEROP_TIMEOUT_MS ?? 20000);
const [url, label, countArg] = process.argv.slice(2);
const count = Number(countArg);

function fail(message) {
  process.stderr.write(`${label}: ${message}\n`);
  process.exit(1);
}

const socket = io(url, { forceNew: true, reconnection: false, query: { label, traffic: String(count) } });
const received = [];
const observed = { label, upgradeIndex: -1 };
socket.on("n", (i) => received.push(i));
socket.on("disconnect", (reason) => {
  if (reason !== "io client disconnect") process.stderr.write(`${label}: disconnected: ${reason}\n`);
});
// the engine opens on its first transport; an upgrade can only start after that
socket.io.on("open", () => {
  observed.initialTransport = socket.io.engine.transport.name;
  socket.io.engine.once("upgrade", (transport) => {
    observed.upgradeIndex = received.length;
    observed.upgradedTo = transport.name;
    socket.emit("upgraded");
  });
});
socket.on("connect_error", (e) => fail(`connect_error: ${e.message}`));

const timer = setTimeout(() => fail(`no "end" within ${TIMEOUT_MS} ms: received ${received.length} events, `
  + `upgradeIndex ${observed.upgradeIndex}, transport ${socket.io.engine?.transport?.name}`), TIMEOUT_MS);
socket.on("end", () => {
  clearTimeout(timer);
  observed.finalTransport = socket.io.engine.transport.name;
  observed.received = received;
  socket.disconnect();
  process.stdout.write(JSON.stringify(observed) + "\n");
  process.exit(0);
});
