// The container matrix (notify-jakarta dev.notify.jakarta.container.ContainerClientsIT): connects the official
// JavaScript client to a notify server inside a real container and exchanges events, acks and binary both ways.
// Prints ONE JSON line with what the client observed; exits non-zero with a message on stderr on any error or
// timeout. Every wait has its own deadline.
//
//   node containers-exchange.mjs <url> <label> <default|polling|websocket>
//
// Binary values are printed as hex strings so the caller can compare bytes exactly.
import { io } from "socket.io-client";
import { clientOptions, connected, failer, observe, upgraded, within } from "./common.mjs";

const TIMEOUT_MS = Number(process.env.INTEROP_TIMEOUT_MS ?? 10000);
const [url, label, mode] = process.argv.slice(2);
const fail = failer(label);

const hex = (b) => Buffer.from(b).toString("hex");

/** Emits with an ack and resolves with ALL the ack's arguments (emitWithAck keeps only the first). */
const call = (event, ...args) => within(`ack of ${event}`, (ok, ko) =>
  socket.timeout(TIMEOUT_MS).emit(event, ...args, (err, ...answer) => (err ? ko(err) : ok(answer))), TIMEOUT_MS);

const options = clientOptions(mode, ["polling", "websocket"], { query: { label } }) ?? fail(`unknown mode ${mode}`);

const socket = io(url, options);
const observed = { label, mode };
const s2c = within("s2c event", (ok) => socket.on("s2c", (...args) => ok(args)), TIMEOUT_MS);
const download = within("download event", (ok) => socket.on("download", (a, b, ack) => {
  ack(Buffer.from(b), Buffer.from(a)); // a binary ack, two attachments, client -> server
  ok([hex(a), hex(b)]);
}), TIMEOUT_MS);
socket.on("ask", (question, ack) => ack(`answer:${question}`));
// the engine opens on its first transport; an upgrade can only start after that
socket.io.on("open", () => { observed.initialTransport = socket.io.engine.transport.name; });
socket.on("disconnect", (reason) => {
  if (reason !== "io client disconnect") process.stderr.write(`${label}: disconnected: ${reason}\n`);
});

await observe(socket, observed, fail, async () => {
  await connected(socket, TIMEOUT_MS);
  const upgrade = mode === "default" ? upgraded(socket, TIMEOUT_MS) : null;

  observed.c2sAck = await call("c2s", { n: 1, text: "h\u00e9llo \u2713" });
  const uploadAck = await call("upload", Buffer.from([1, 2, 3]),
    { file: Buffer.from([250, 251, 252, 253]) });
  observed.uploadAck = uploadAck.map(hex);
  [observed.startAck] = await call("start");
  observed.s2c = await s2c;
  observed.download = await download;
  if (upgrade) await upgrade;
  // one more round trip on the transport the client ended on
  observed.lastAck = await call("c2s", { n: 2 });
});
