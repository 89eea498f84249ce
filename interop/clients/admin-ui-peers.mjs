// Official Socket.IO clients (socket.io-client 4.8.4) that the Admin UI tests connect to a server, so that the UI has
// sockets to list, emit to and disconnect; records what each client receives.
//
//   node clients/admin-ui-peers.mjs <serverUrl, e.g. http://127.0.0.1:8080>
//
// Prints {"ready":true}, then answers JSON commands read line by line on stdin, one JSON line each, with the
// command's "id"; errors as {"id":N,"error":"..."}. Env ADMIN_E2E_TIMEOUT_MS (default 20000) bounds every wait.
//   {"id":1,"cmd":"connect","name":"a","rooms":"r1,r2","nsp":"/","transports":["websocket"]}
//        -> {"id":1,"socketId":"..."}   (auth.rooms = rooms; nsp and transports optional: "/", polling+websocket)
//   {"id":2,"cmd":"received","name":"a"}
//        -> {"id":2,"connected":true,"socketId":"...","events":[{"event":"e","args":[...]}],"disconnects":["io server disconnect"]}
//   {"id":3,"cmd":"await","name":"a","event":"e"}           -> {"id":3,"event":"e","args":[...]}
//        (the first received "e" not yet returned by an earlier await; event "disconnect" waits for a disconnection
//        and answers its reason as args[0])
//   {"id":4,"cmd":"ping","name":"a","args":[...]}           -> {"id":4,"ack":[...]}   (emitWithAck("ping", ...args))
//   {"id":5,"cmd":"close","name":"a"}                        -> {"id":5,"done":true}
// stdin closed -> closes every client, exits 0.
import readline from "node:readline";
import { io } from "socket.io-client";

const [serverUrl] = process.argv.slice(2);
if (!serverUrl) {
  process.stderr.write("usage: node clients/admin-ui-peers.mjs <serverUrl>\n");
  process.exit(2);
}
const TIMEOUT_MS = Number(process.env.ADMIN_E2E_TIMEOUT_MS ?? 20000);
const out = (o) => process.stdout.write(JSON.stringify(o) + "\n");
const peers = new Map();  // name -> {socket, events, disconnects, consumed, waiters}

function peer(name) {
  const p = peers.get(name);
  if (!p) throw new Error(`no client named ${name}`);
  return p;
}

/** Resolves with the first record (of "event", not yet consumed) that arrives within the deadline. */
function awaitEvent(p, event) {
  const list = event === "disconnect" ? p.disconnects : p.events;
  const index = p.consumed[event] ?? 0;
  const match = (i) => event === "disconnect" ? { event, args: [list[i]] } : list[i];
  const find = () => {
    for (let i = index; i < list.length; i++) {
      if (event === "disconnect" || list[i].event === event) {
        p.consumed[event] = i + 1;
        return match(i);
      }
    }
    return null;
  };
  const found = find();
  if (found) return Promise.resolve(found);
  return new Promise((resolve, reject) => {
    const waiter = () => {
      const f = find();
      if (f) {
        clearTimeout(timer);
        p.waiters.delete(waiter);
        resolve(f);
      }
    };
    const timer = setTimeout(() => {
      p.waiters.delete(waiter);
      reject(new Error(`client ${p.name}: no "${event}" within ${TIMEOUT_MS} ms (received ${JSON.stringify(p.events.map((e) => e.event))}, disconnects ${JSON.stringify(p.disconnects)})`));
    }, TIMEOUT_MS);
    p.waiters.add(waiter);
  });
}

async function handle(c) {
  switch (c.cmd) {
    case "connect": {
      if (peers.has(c.name)) throw new Error(`client ${c.name} exists`);
      const nsp = c.nsp ?? "/";
      const socket = io(serverUrl + (nsp === "/" ? "" : nsp), {
        forceNew: true,
        reconnection: false,  // a disconnection by the Admin UI must stay visible
        auth: { rooms: c.rooms ?? "" },
        ...(c.transports ? { transports: c.transports } : {}),
      });
      const p = { name: c.name, socket, events: [], disconnects: [], consumed: {}, waiters: new Set() };
      const notify = () => [...p.waiters].forEach((w) => w());
      socket.onAny((event, ...args) => {
        p.events.push({ event, args });
        notify();
      });
      socket.on("disconnect", (reason) => {
        p.disconnects.push(reason);
        notify();
      });
      peers.set(c.name, p);
      await new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`client ${c.name}: not connected within ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
        socket.once("connect", () => (clearTimeout(timer), resolve()));
        socket.once("connect_error", (e) => (clearTimeout(timer), reject(new Error(`client ${c.name}: connect_error ${e.message}`))));
      });
      return { socketId: socket.id };
    }
    case "received": {
      const p = peer(c.name);
      return { connected: p.socket.connected, socketId: p.socket.id ?? null, events: p.events, disconnects: p.disconnects };
    }
    case "await": {
      const r = await awaitEvent(peer(c.name), c.event);
      return { event: r.event, args: r.args };
    }
    case "ping": {
      const ack = await peer(c.name).socket.timeout(TIMEOUT_MS).emitWithAck("ping", ...(c.args ?? []));
      return { ack: Array.isArray(ack) ? ack : [ack] };
    }
    case "close": {
      peer(c.name).socket.disconnect();
      peers.delete(c.name);
      return { done: true };
    }
    default:
      throw new Error(`unknown command ${c.cmd}`);
  }
}

out({ ready: true });
const rl = readline.createInterface({ input: process.stdin });
const pending = new Set();
rl.on("line", (line) => {
  if (!line.trim()) return;
  let c;
  try {
    c = JSON.parse(line);
  } catch {
    return out({ error: `bad command ${line}` });
  }
  // concurrent: an "await" must not block other commands
  const task = handle(c).then((r) => out({ id: c.id, ...r }), (e) => out({ id: c.id, error: String(e?.message ?? e) }));
  pending.add(task);
  task.finally(() => pending.delete(task));
});
rl.on("close", async () => {
  await Promise.allSettled([...pending]);
  for (const p of peers.values()) p.socket.disconnect();
  process.exit(0);
});
