// Heartbeats under load (notify-jakarta dev.notify.jakarta.HeartbeatUnderLoadIT): <count> clients connect to the
// given servers in turn, in waves of <wave> every <gapMs> ms, one in five opening with polling and upgrading to
// WebSocket, the others WebSocket only; each echoes once a second with an ack, and all stay connected for
// <holdMs> ms after the last wave. Prints ONE JSON line: how many connected, and every disconnect by reason.
//
//   node heartbeat-load.mjs <count> <wave> <gapMs> <holdMs> <url>...
import { io } from "socket.io-client";

const [countArg, waveArg, gapArg, holdArg, ...urls] = process.argv.slice(2);
const count = Number(countArg);
const wave = Number(waveArg);
const gapMs = Number(gapArg);
const holdMs = Number(holdArg);
const TIMEOUT_MS = Number(process.env.INTEROP_TIMEOUT_MS ?? 120000);

const sockets = [];
const disconnects = {};
let connected = 0;
let connectErrors = 0;
let echoes = 0;
let echoFailures = 0;
let echoesInFlight = 0;

function open(i) {
  const polling = i % 5 === 0;
  const socket = io(urls[i % urls.length], {
    forceNew: true,
    reconnection: false,
    transports: polling ? ["polling", "websocket"] : ["websocket"],
  });
  socket.on("connect", () => connected++);
  socket.on("connect_error", () => connectErrors++);
  socket.on("disconnect", (reason) => {
    if (reason !== "io client disconnect") disconnects[reason] = (disconnects[reason] ?? 0) + 1;
  });
  sockets.push(socket);
}

const timer = setTimeout(() => {
  process.stderr.write(`not done within ${TIMEOUT_MS} ms: ${connected} connected\n`);
  process.exit(1);
}, TIMEOUT_MS);

for (let start = 0; start < count; start += wave) {
  for (let i = start; i < Math.min(count, start + wave); i++) open(i);
  await new Promise((resolve) => setTimeout(resolve, gapMs));
}
const echo = setInterval(() => {
  for (const socket of sockets) {
    if (!socket.connected) continue;
    echoesInFlight++;
    socket.timeout(5000).emit("echo", 1, (error) => {
      echoesInFlight--;
      error ? echoFailures++ : echoes++;
    });
  }
}, 1000);
await new Promise((resolve) => setTimeout(resolve, holdMs));
clearInterval(echo);
// disconnecting fails the acks still awaited: let the last echoes come back (or time out) first
while (echoesInFlight > 0) await new Promise((resolve) => setTimeout(resolve, 10));
const stillConnected = sockets.filter((s) => s.connected).length;
for (const socket of sockets) socket.disconnect();
clearTimeout(timer);
process.stdout.write(JSON.stringify({ connected, stillConnected, connectErrors, disconnects, echoes, echoFailures })
  + "\n");
process.exit(0);
