// Drives notify's conformance server (examples/.../ConformanceServer.java) with the official JavaScript client,
// over WebSocket only, and prints ONE JSON line with what the client observed. Exits non-zero, with a message on
// stderr, on any error or timeout; every wait has its own deadline.
//
//   node conformance.mjs <scenario> <url> [parameter]
//
// Scenarios: connect [authJson] | echo | ack | binary | namespaces <tag> | rooms | unknown-namespace
//            | disconnect <tag>
// Binary values are printed as {"$binary": "<hex>"} so the caller can compare bytes exactly.
import { createHash } from "node:crypto";
import { io } from "socket.io-client";

const TIMEOUT_MS = Number(process.env.INTEROP_TIMEOUT_MS ?? 10000);

/** Records every event a socket receives, in order, and lets the scenario wait for the next one of a name. */
class Inbox {
  constructor(socket) {
    this.events = [];
    this.waiters = new Set();
    socket.onAny((event, ...args) => {
      this.events.push({ event, args, taken: false });
      for (const wake of this.waiters) wake();
    });
  }

  /** The arguments of the first not yet taken event named `event`, waiting up to `ms` for it. */
  take(event, ms = TIMEOUT_MS) {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.events.find((e) => !e.taken && e.event === event);
        if (!found) return false;
        found.taken = true;
        this.waiters.delete(check);
        clearTimeout(timer);
        resolve(found.args);
        return true;
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`no "${event}" event within ${ms} ms`));
      }, ms);
      if (!check()) this.waiters.add(check);
    });
  }

  /** The arguments of every event named `event` received so far, in order. */
  all(event) {
    return this.events.filter((e) => e.event === event).map((e) => e.args);
  }
}

function connect(url, auth) {
  const options = { transports: ["websocket"], forceNew: true, reconnection: false };
  if (auth !== undefined) options.auth = auth;
  const socket = io(url, options);
  // for the caller's failure message: a scenario that did not expect it fails on its next wait
  socket.on("disconnect", (reason, details) => {
    if (reason === "io client disconnect") return;
    process.stderr.write(`${socket.nsp} disconnected: ${reason} ${details?.description ?? ""}\n`);
  });
  return socket;
}

/** Resolves once the socket is connected; rejects on connect_error, disconnect, or after the deadline. */
function connected(socket, ms = TIMEOUT_MS) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${socket.nsp} not connected within ${ms} ms`)), ms);
    socket.once("connect", () => {
      clearTimeout(timer);
      resolve();
    });
    socket.once("connect_error", (err) => {
      clearTimeout(timer);
      reject(new Error(`${socket.nsp} connect_error: ${err.message}`));
    });
    socket.once("disconnect", (reason) => {
      clearTimeout(timer);
      reject(new Error(`${socket.nsp} disconnected before it connected: ${reason}`));
    });
  });
}

/** Resolves with the error of the socket's first connect_error; rejects if it connects or after the deadline. */
function connectError(socket, ms = TIMEOUT_MS) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no connect_error within ${ms} ms`)), ms);
    socket.once("connect", () => {
      clearTimeout(timer);
      reject(new Error("connected, expected connect_error"));
    });
    socket.once("connect_error", (err) => {
      clearTimeout(timer);
      resolve(err);
    });
  });
}

/** Emits with an acknowledgement and resolves with ALL its arguments (emitWithAck keeps only the first). */
function ack(socket, event, ...args) {
  return new Promise((resolve, reject) => {
    socket.timeout(TIMEOUT_MS).emit(event, ...args, (err, ...response) => {
      if (err) reject(new Error(`no ack for "${event}": ${err.message}`));
      else resolve(response);
    });
  });
}

/** Resolves with the reason of the socket's next disconnect, waiting up to `ms`. */
function disconnected(socket, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not disconnected within ${ms} ms`)), ms);
    socket.once("disconnect", (reason) => {
      clearTimeout(timer);
      resolve(reason);
    });
  });
}

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

/** The bytes the large-binary check sends; ConformanceInteropIT computes the same. */
function pattern(length) {
  const bytes = Buffer.alloc(length);
  for (let i = 0; i < length; i++) bytes[i] = (i * 7 + 3) & 0xff;
  return bytes;
}

const ECHO_VALUES = [
  "hello",
  "",
  42,
  -1.5,
  0,
  9007199254740991,
  true,
  false,
  null,
  { a: 1, b: "two", c: [1, 2, { d: null }] },
  [[1, 2], [3, [4, [5]]], []],
  "h\u00e9llo w\u00f6rld \u2713 \u4f60\u597d \ud83c\udf89",
  { "\u043a\u043b\u044e\u0447": "\u0437\u043d\u0430\u0447\u0435\u043d\u0438\u0435", emoji: "\ud83d\ude80" },
];

const scenarios = {
  // connect, with the auth payload given as JSON (or none); the server emits "auth" with what it received
  async connect(url, authJson) {
    const socket = connect(url, authJson === undefined ? undefined : JSON.parse(authJson));
    const inbox = new Inbox(socket);
    await connected(socket);
    const [auth] = await inbox.take("auth");
    const [whoami] = await ack(socket, "whoami");
    return { id: socket.id, whoami, transport: socket.io.engine.transport.name, auth, sockets: [socket] };
  },

  // "message" -> "message-back": each value alone, then all of them in one event
  async echo(url) {
    const socket = connect(url);
    const inbox = new Inbox(socket);
    await connected(socket);
    const single = [];
    for (const value of ECHO_VALUES) {
      socket.emit("message", value);
      single.push(await inbox.take("message-back"));
    }
    socket.emit("message", ...ECHO_VALUES);
    const multi = await inbox.take("message-back");
    return { single, multi, sockets: [socket] };
  },

  // "message-with-ack" answers with the arguments it got: plain, binary, none
  async ack(url) {
    const socket = connect(url);
    await connected(socket);
    const plain = await ack(socket, "message-with-ack", "text", 7, { x: [1, null] }, ECHO_VALUES[11]);
    const binary = await ack(socket, "message-with-ack", Buffer.from([0, 1, 2, 255]),
      { nested: Uint8Array.from([9, 8, 7]) }, "tail");
    const empty = await ack(socket, "message-with-ack");
    return { plain, binary: show(binary), empty, sockets: [socket] };
  },

  // binary to the server and back: Buffer, Uint8Array, two attachments in one event, empty, large
  async binary(url) {
    const socket = connect(url);
    const inbox = new Inbox(socket);
    await connected(socket);
    const all = Buffer.alloc(256);
    for (let i = 0; i < 256; i++) all[i] = i;
    socket.emit("message", all);
    const buffer = await inbox.take("message-back");
    socket.emit("message", { name: "two", data: Uint8Array.from([1, 2, 3]), more: [Buffer.from("abc")] }, 5);
    const two = await inbox.take("message-back");
    socket.emit("message", Buffer.alloc(0));
    const empty = await inbox.take("message-back");
    socket.emit("message", pattern(100_000));
    const [large] = await inbox.take("message-back");
    return {
      buffer: show(buffer),
      two: show(two),
      empty: show(empty),
      large: { length: large.length, sha256: createHash("sha256").update(large).digest("hex") },
      sockets: [socket],
    };
  },

  // "/" and "/custom" over one Manager; waits for a "release" event on "/custom" so the caller can look at the
  // server while both are connected
  async namespaces(url, tag) {
    const main = connect(url, { ns: "main", tag });
    const custom = main.io.socket("/custom", { auth: { ns: "custom", tag } });
    const mainInbox = new Inbox(main);
    const customInbox = new Inbox(custom);
    await Promise.all([connected(main), connected(custom)]);
    const [mainAuth] = await mainInbox.take("auth");
    const [customAuth] = await customInbox.take("auth");
    custom.emit("message", "to-custom");
    const customBack = await customInbox.take("message-back");
    main.emit("message", "to-main");
    const mainBack = await mainInbox.take("message-back");
    const customAck = await ack(custom, "message-with-ack", "ack-custom");
    await customInbox.take("release");
    return {
      main: { id: main.id, engineId: main.io.engine.id, auth: mainAuth, back: mainInbox.all("message-back") },
      custom: { id: custom.id, engineId: custom.io.engine.id, auth: customAuth, back: customInbox.all("message-back"),
        ack: customAck },
      sameManager: main.io === custom.io,
      firstBacks: { main: mainBack, custom: customBack },
      sockets: [main, custom],
    };
  },

  // three clients; alice has auth userId, so she is in "user:alice" from the start
  async rooms(url) {
    const names = ["alice", "bob", "carol"];
    const sockets = names.map((name) => connect(url, name === "alice" ? { userId: "alice" } : {}));
    const inboxes = sockets.map((socket) => new Inbox(socket));
    await Promise.all(sockets.map((socket) => connected(socket)));
    const [alice, bob, carol] = sockets;
    const report = {};
    for (let i = 0; i < 3; i++) {
      report[names[i]] = { id: sockets[i].id, whoami: (await ack(sockets[i], "whoami"))[0] };
    }
    report.alice.joined = (await ack(alice, "join", "room-1"))[0];
    report.bob.joined = (await ack(bob, "join", "room-1"))[0];
    for (let i = 0; i < 3; i++) {
      report[names[i]].joinedEveryone = (await ack(sockets[i], "join", "everyone"))[0];
    }
    // each step ends with a marker to everyone: whoever got the marker but not the message before it is not a
    // member, since one sender's broadcasts reach each client in the order they were sent
    const step = async (sender, room, message, marker) => {
      sender.emit("to-room", room, message);
      sender.emit("to-room", "everyone", marker);
      for (const inbox of inboxes) {
        while ((await inbox.take("room-message"))[0] !== marker) {
          // skip the messages before the marker; all() reports them
        }
      }
    };
    await step(carol, "room-1", { text: "hello", n: 1 }, "marker-1");
    report.alice.left = (await ack(alice, "leave", "room-1"))[0];
    await step(carol, "room-1", "after-leave", "marker-2");
    await step(bob, "user:alice", "direct", "marker-3");
    for (let i = 0; i < 3; i++) {
      report[names[i]].received = inboxes[i].all("room-message");
    }
    return { ...report, sockets };
  },

  async "unknown-namespace"(url) {
    const socket = connect(`${url}/nope`);
    const err = await connectError(socket);
    return { message: err.message, data: err.data ?? null, connected: socket.connected, sockets: [socket] };
  },

  // connects with auth {tag}, joins the room "connected" once connected, then waits (longer) for the server to
  // disconnect it
  async disconnect(url, tag) {
    const socket = connect(url, { tag });
    // listening before the connect: the DISCONNECT may arrive in the same read as the CONNECT answer, and the
    // socket forgets its id when it disconnects
    let id;
    socket.on("connect", () => {
      id = socket.id;
    });
    const disconnect = disconnected(socket, 2 * TIMEOUT_MS);
    await connected(socket);
    // tells the server this side saw the CONNECT: a server that closes earlier may drop it with its buffer
    socket.emit("join", "connected");
    const reason = await disconnect;
    return { id, reason, active: socket.active, sockets: [socket] };
  },
};

async function main() {
  const [name, url, ...params] = process.argv.slice(2);
  const scenario = scenarios[name];
  if (!scenario || !url) {
    throw new Error(`usage: node conformance.mjs <${Object.keys(scenarios).join("|")}> <url> [parameter]`);
  }
  const { sockets, ...result } = await scenario(url, ...params);
  for (const socket of sockets) socket.disconnect();
  process.stdout.write(`${JSON.stringify(result)}\n`, () => process.exit(0));
}

main().catch((err) => {
  process.stderr.write(`${err.stack ?? err}\n`, () => process.exit(1));
});
