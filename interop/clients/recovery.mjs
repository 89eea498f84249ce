// Connection state recovery with the official JavaScript client (socket.io-client >= 4.6 recovers by itself),
// driven by notify-redis's ClusterRecoveryIT. Prints ONE JSON line with what the client observed; exits non-zero,
// with a message on stderr, on any error or timeout. Every wait has its own deadline.
//
//   node clients/recovery.mjs <url> <rooms> <ticks>
//
// 1. connects to <url> (WebSocket only) with auth {rooms: "<rooms>"} (comma separated; the server joins them);
// 2. once <ticks> "tick" events came, drops its transport (socket.io.engine.close()) as a network failure would;
// 3. the client reconnects by itself (the test decides meanwhile where <url> leads: it is a proxy it controls) and
//    sends its private session id and last offset;
// 4. waits for a "done" event and prints {connects: [{id, recovered}...], disconnect, events: [{event, args, conn}]}
//    where conn is the index of the connection that received the event. Binary values print as {"$binary": hex}.
import { io } from "socket.io-client";

const TIMEOUT_MS = Number(process.env.INTEROP_TIMEOUT_MS ?? 20000);
const [url, rooms, ticksArg] = process.argv.slice(2);
if (!url || rooms === undefined || !ticksArg) {
  process.stderr.write("usage: node clients/recovery.mjs <url> <rooms> <ticks>\n");
  process.exit(2);
}
const ticksBeforeDrop = Number(ticksArg);

/** JSON-friendly copy of received values: binary becomes {"$binary": hex}. */
function show(value) {
  if (value instanceof ArrayBuffer) return { $binary: Buffer.from(value).toString("hex") };
  if (ArrayBuffer.isView(value)) {
    return { $binary: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("hex") };
  }
  if (Array.isArray(value)) return value.map(show);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, show(v)]));
  }
  return value;
}

/** Resolves when `check()` becomes true (re-checked on every socket event), rejects after `ms`. */
function until(what, check, wake, ms = TIMEOUT_MS) {
  return new Promise((resolve, reject) => {
    if (check()) {
      resolve();
      return;
    }
    const timer = setTimeout(() => {
      wake.delete(test);
      reject(new Error(`${what}: not within ${ms} ms`));
    }, ms);
    const test = () => {
      if (!check()) return;
      clearTimeout(timer);
      wake.delete(test);
      resolve();
    };
    wake.add(test);
  });
}

const wake = new Set();
const notify = () => {
  for (const test of [...wake]) test();
};
const connects = [];
const events = [];
let disconnect = null;

const socket = io(url, {
  transports: ["websocket"],
  forceNew: true,
  auth: { rooms },
  // reconnect soon after the drop; the test holds the new connection until it has emitted what it wants missed
  reconnectionDelay: 100,
  reconnectionDelayMax: 200,
});
socket.on("connect", () => {
  connects.push({ id: socket.id, recovered: socket.recovered === true });
  notify();
});
socket.on("connect_error", (err) => process.stderr.write(`connect_error: ${err.message}\n`));
socket.on("disconnect", (reason) => {
  if (disconnect === null) disconnect = reason;
  else process.stderr.write(`unexpected second disconnect: ${reason}\n`);
  notify();
});
socket.onAny((event, ...args) => {
  events.push({ event, args: show(args), conn: connects.length - 1 });
  notify();
});

try {
  await until("first connect", () => connects.length >= 1, wake);
  await until(`${ticksBeforeDrop} ticks`, () => events.filter((e) => e.event === "tick").length >= ticksBeforeDrop,
    wake);
  socket.io.engine.close(); // the transport goes away; the Manager reconnects by itself
  await until("disconnect", () => disconnect !== null, wake);
  await until("reconnect", () => connects.length >= 2, wake);
  await until("done event", () => events.some((e) => e.event === "done"), wake);
  process.stdout.write(JSON.stringify({ connects, disconnect, events }) + "\n");
  socket.disconnect();
  process.exit(0);
} catch (err) {
  process.stderr.write(`${err.message}; connects=${JSON.stringify(connects)} disconnect=${disconnect} `
    + `events=${JSON.stringify(events)}\n`);
  socket.disconnect();
  process.exit(1);
}
