// Many users, one npm socket.io-client socket each, that acknowledge every notification at once: the load side
// of NotificationThroughputIT.
//
// usage: node notification-load.mjs <url> <users> <userIdPrefix>
//   Connects <users> sockets (WebSocket only) with auth {userId: prefix + i}, i = 0 … users-1.
// stdout lines: {"type":"ready","users":n} once all are connected;
//               {"type":"count","new":n,"batch":m,"notifications":k} for each "count" line on stdin
//               (k = notifications received, in notification:new events and notification:batch pages).
// stdin closed: disconnects everything and exits.
import { io } from "socket.io-client";
import readline from "node:readline";

const [url, usersArg, prefix = "user-"] = process.argv.slice(2);
const users = Number(usersArg);
const out = (line) => process.stdout.write(JSON.stringify(line) + "\n");
const counts = { new: 0, batch: 0, notifications: 0 };
const sockets = [];
let connected = 0;

for (let i = 0; i < users; i++) {
  const socket = io(url, { transports: ["websocket"], forceNew: true, auth: { userId: prefix + i } });
  socket.once("connect", () => {
    if (++connected === users) {
      out({ type: "ready", users });
    }
  });
  socket.on("connect_error", (err) => out({ type: "connect_error", user: prefix + i, message: err.message }));
  socket.on("notification:new", (notification, ack) => {
    counts.new++;
    counts.notifications++;
    ack();
  });
  socket.on("notification:batch", (batch, ack) => {
    counts.batch++;
    counts.notifications += batch.notifications.length;
    ack();
  });
  sockets.push(socket);
}

const commands = readline.createInterface({ input: process.stdin });
commands.on("line", (line) => {
  if (line.trim() === "count") {
    out({ type: "count", ...counts });
  }
});
commands.on("close", () => {
  sockets.forEach((socket) => socket.disconnect());
  process.exit(0);
});
