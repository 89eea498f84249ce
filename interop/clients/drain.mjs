// Clients of a node that drains (notify-redis dev.notify.redis.DrainIT): <count> official socket.io-client
// sockets connect to <urlA> (WebSocket only, auth {user: "u<i>", deviceId: "d<i>"}, connection state recovery as
// the client does it by itself). When one is disconnected it turns to <urlB> for its reconnection, as a client
// given two addresses (or a balancer) would. Every notification ("notification:new", "notification:batch") is
// acknowledged and remembered.
//
//   node clients/drain.mjs <urlA> <urlB> <count>
//
// stdout: {"ready": n} once all are connected to A (or {"error": "..."} after 60 s);
// stdin commands, answered with the same "id":
//   {"cmd":"status"}  -> {connected, onB, recovered, fresh, welcomed, disconnects: [ms since epoch...],
//                         notifications: {"<user>": ["<id>"...]}}
import { io } from "socket.io-client";
import readline from "node:readline";

const [urlA, urlB, countArg] = process.argv.slice(2);
const count = Number(countArg);
const out = (line) => process.stdout.write(JSON.stringify(line) + "\n");

const disconnects = [];
const notifications = {};
let connected = 0;
let onB = 0;
let recovered = 0;
let fresh = 0;
let welcomed = 0;
let readyReported = false;

function remember(user, notification) {
  (notifications[user] ??= []).push(notification.id);
}

for (let i = 0; i < count; i++) {
  const user = "u" + i;
  const socket = io(urlA, {
    transports: ["websocket"],
    auth: { user, deviceId: "d" + i },
    forceNew: true,
  });
  let movedToB = false;
  socket.on("connect", () => {
    connected++;
    if (movedToB) {
      onB++;
      if (socket.recovered) recovered++;
      else fresh++;
    }
    if (!readyReported && connected === count) {
      readyReported = true;
      out({ ready: count });
    }
  });
  socket.on("disconnect", () => {
    connected--;
    if (!movedToB) {
      disconnects.push(Date.now());
      movedToB = true;
      // the manager opens its next engine on this address: the reconnection goes to B
      socket.io.uri = urlB;
    }
  });
  // a recoverable event: the client keeps its offset, which a recovery needs
  socket.on("welcome", () => welcomed++);
  socket.on("notification:new", (notification, ack) => {
    remember(user, notification);
    if (typeof ack === "function") ack();
  });
  socket.on("notification:batch", (batch, ack) => {
    for (const notification of batch.notifications) remember(user, notification);
    if (typeof ack === "function") ack();
  });
}

setTimeout(() => {
  if (!readyReported) {
    out({ error: `only ${connected} of ${count} connected to ${urlA} within 60 s` });
    process.exit(1);
  }
}, 60000);

const commands = readline.createInterface({ input: process.stdin });
commands.on("line", (line) => {
  const command = JSON.parse(line);
  if (command.cmd === "status") {
    out({ id: command.id, connected, onB, recovered, fresh, welcomed, disconnects, notifications });
  } else {
    out({ id: command.id, error: "unknown command " + command.cmd });
  }
});
commands.on("close", () => process.exit(0));
