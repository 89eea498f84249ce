// A Node.js Socket.IO node on @socket.io/redis-adapter, for notify's mixed-cluster interop tests.
// usage: node redis-node.mjs <redisUrl> <key> <classic|sharded> [static|dynamic]
// Prints {"listening":port} when ready, then answers JSON commands read line by line on stdin:
//   {"id":1,"cmd":"emit","rooms":["room1"],"except":[],"event":"e","args":[...]}  -> {"id":1,"done":true}
//   {"id":2,"cmd":"fetchSockets"}  -> {"id":2,"sockets":[{id,rooms,data}]}
//   {"id":3,"cmd":"serverSideEmitWithAck","event":"ask","args":[...]} -> {"id":3,"answers":[...]}
// Clients join the rooms of auth.rooms (comma separated); "ready" answers the socket id.
import { createServer } from "node:http";
import readline from "node:readline";
import { Server } from "socket.io";
import { createClient } from "redis";
import adapterPkg from "@socket.io/redis-adapter";

const { createAdapter, createShardedAdapter } = adapterPkg;
const [url, key, mode = "classic", subscriptionMode = "dynamic"] = process.argv.slice(2);
const out = (o) => process.stdout.write(JSON.stringify(o) + "\n");

const pub = createClient({ url });
const sub = pub.duplicate();
pub.on("error", (e) => console.error("pub error", e.message));
sub.on("error", (e) => console.error("sub error", e.message));
await Promise.all([pub.connect(), sub.connect()]);

const adapter = mode === "sharded"
  ? createShardedAdapter(pub, sub, { channelPrefix: key, subscriptionMode })
  : createAdapter(pub, sub, { key });
const httpServer = createServer();
const io = new Server(httpServer, { adapter });

io.on("connection", (socket) => {
  const rooms = String(socket.handshake.auth.rooms || "").split(",").filter(Boolean);
  socket.join(rooms);
  if (socket.handshake.auth.user) {
    socket.data.user = socket.handshake.auth.user;
  }
  socket.on("ready", (ack) => ack(socket.id));
});
io.on("ask", (question, callback) => callback("answer-from-node:" + question));
io.on("hello-servers", (...args) => out({ serverSideEmit: args }));

const rl = readline.createInterface({ input: process.stdin });
rl.on("line", async (line) => {
  let c;
  try {
    c = JSON.parse(line);
  } catch (e) {
    return out({ error: "bad command " + line });
  }
  try {
    switch (c.cmd) {
      case "emit": {
        let op = io.to(c.rooms || []);
        if (c.except && c.except.length) op = op.except(c.except);
        op.emit(c.event, ...(c.args || []));
        return out({ id: c.id, done: true });
      }
      case "fetchSockets": {
        const sockets = await io.fetchSockets();
        return out({ id: c.id, sockets: sockets.map((s) => ({ id: s.id, rooms: [...s.rooms], data: s.data })) });
      }
      case "serverSideEmitWithAck": {
        const answers = await io.timeout(5000).serverSideEmitWithAck(c.event, ...(c.args || []));
        return out({ id: c.id, answers });
      }
      case "socketsJoin": {
        io.in(c.rooms).socketsJoin(c.join);
        return out({ id: c.id, done: true });
      }
      default:
        return out({ id: c.id, error: "unknown command " + c.cmd });
    }
  } catch (e) {
    out({ id: c.id, error: String(e && e.message || e) });
  }
});
rl.on("close", async () => {
  io.close();
  await Promise.allSettled([pub.quit(), sub.quit()]);
  process.exit(0);
});

httpServer.listen(0, "127.0.0.1", () => out({ listening: httpServer.address().port }));
