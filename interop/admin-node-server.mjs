// A Node.js Socket.IO server instrumented with the official Admin UI server side (@socket.io/admin-ui 0.5.1), for
// testing clients/admin-ui-e2e.mjs and for mixed Java/Node cluster tests of notify's Admin UI support.
//
//   node admin-node-server.mjs <port> [redisUrl] [adapterKey]
//
// - Admin namespace "/admin", basic auth admin/secret, serverId "node-<port>", development mode (all events).
// - With a Redis URL: @socket.io/redis-adapter (classic, key = adapterKey, default "socket.io") and the admin-ui
//   RedisStore on the same Redis (so a session id is valid on every node); else the in-memory store.
// - Serves the UI's static files (node_modules/@socket.io/admin-ui/ui/dist/) at /admin-ui/.
// - Clients of "/" join the rooms of auth.rooms (comma separated) and answer "ping" with its ack ("pong", ...args).
// Prints {"listening":port} when ready; stdin closed (or SIGTERM) -> closes and exits 0.
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { dirname, extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { Server } from "socket.io";
import { createClient } from "redis";
import adapterPkg from "@socket.io/redis-adapter";

const require = createRequire(import.meta.url);
const { instrument, InMemoryStore, RedisStore } = require("@socket.io/admin-ui");
const bcrypt = require("bcryptjs");

const [portArg, redisUrl, adapterKey = "socket.io"] = process.argv.slice(2);
if (!portArg) {
  process.stderr.write("usage: node admin-node-server.mjs <port> [redisUrl] [adapterKey]\n");
  process.exit(2);
}
const port = Number(portArg);
const out = (o) => process.stdout.write(JSON.stringify(o) + "\n");

const UI_DIR = join(dirname(fileURLToPath(import.meta.url)), "node_modules", "@socket.io", "admin-ui", "ui", "dist");
const TYPES = {
  ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
  ".png": "image/png", ".svg": "image/svg+xml", ".map": "application/json", ".json": "application/json",
};

const httpServer = createServer(async (req, res) => {
  const url = new URL(req.url, "http://localhost");
  if (url.pathname === "/admin-ui") {
    res.writeHead(301, { location: "/admin-ui/" }).end();  // relative asset links need the trailing slash
    return;
  }
  if (!url.pathname.startsWith("/admin-ui/")) return;  // leaves /socket.io/ to Socket.IO
  const rel = decodeURIComponent(url.pathname.slice("/admin-ui/".length)) || "index.html";
  const file = normalize(join(UI_DIR, rel));
  if (!file.startsWith(UI_DIR + sep)) {
    res.writeHead(403).end();
    return;
  }
  try {
    const body = await readFile(file);
    res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" }).end(body);
  } catch {
    res.writeHead(404, { "content-type": "text/plain" }).end("not found");
  }
});

// admin-ui 0.5.1's RedisStore speaks redis v3 (exists(key, callback), multi().set(key, true).expire().exec());
// redis v4's legacyMode rejects the boolean, so this maps the two calls onto a v4 client
function redisV3Facade(client) {
  return {
    exists: (key, cb) => client.exists(key).then((n) => cb(null, n), (e) => cb(e)),
    multi() {
      const m = client.multi();
      const chain = {
        set: (key, value) => (m.set(key, String(value)), chain),
        expire: (key, seconds) => (m.expire(key, seconds), chain),
        exec: () => m.exec().catch((e) => process.stderr.write(`redis store error: ${e.message}\n`)),
      };
      return chain;
    },
  };
}

const redisClients = [];
let adapter;
let store = new InMemoryStore();
if (redisUrl) {
  const pub = createClient({ url: redisUrl });
  const sub = pub.duplicate();
  for (const c of [pub, sub]) c.on("error", (e) => process.stderr.write(`redis error: ${e.message}\n`));
  await Promise.all([pub.connect(), sub.connect()]);
  redisClients.push(pub, sub);
  adapter = adapterPkg.createAdapter(pub, sub, { key: adapterKey });
  store = new RedisStore(redisV3Facade(pub));
}

const io = new Server(httpServer, { cors: { origin: true, credentials: true }, ...(adapter ? { adapter } : {}) });

io.on("connection", (socket) => {
  const rooms = String(socket.handshake.auth?.rooms ?? "").split(",").map((r) => r.trim()).filter(Boolean);
  if (rooms.length) socket.join(rooms);
  socket.on("ping", (...args) => {
    const ack = typeof args[args.length - 1] === "function" ? args.pop() : null;
    ack?.("pong", ...args);
  });
});

instrument(io, {
  auth: { type: "basic", username: "admin", password: bcrypt.hashSync("secret", 10) },
  serverId: "node-" + port,
  mode: "development",
  store,
});

httpServer.listen(port, () => out({ listening: port }));

let closing = false;
// io.close() disconnects the sockets; admin-ui then broadcasts "socket_disconnected" through the adapter, whose
// Redis client may already be closed: harmless while shutting down
process.on("unhandledRejection", (e) => {
  if (closing) return;
  process.stderr.write(`unhandled rejection: ${e?.stack ?? e}\n`);
  process.exit(1);
});
async function shutdown() {
  if (closing) return;
  closing = true;
  io.close();
  await Promise.allSettled(redisClients.map((c) => c.quit()));
  process.exit(0);
}
process.stdin.on("end", shutdown);
process.stdin.resume();
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
