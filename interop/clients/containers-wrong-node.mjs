// What the official JavaScript client sees when a long-polling request lands on a node that does not hold its
// session (a load balancer without sticky sessions); used by ContainerStickySessionIT and the README.
// A tiny HTTP proxy in this process stands for the load balancer in front of two notify nodes A and B:
//   flip:        everything goes to A until the client is connected, then everything goes to B (the upstream
//                changed under a live session); the client then reconnects, to B.
//   round-robin: requests alternate between A and B from the start (no stickiness at all); the client never
//                gets connected: stops after its third failed attempt.
// Prints ONE JSON line: the errors and disconnects the client reported, with the status and body of the answer.
//
//   node containers-wrong-node.mjs <urlA> <urlB> <flip|round-robin>
import http from "node:http";
import { io } from "socket.io-client";

const TIMEOUT_MS = Number(process.env.INTEROP_TIMEOUT_MS ?? 10000);
const [urlA, urlB, mode] = process.argv.slice(2);
const nodes = [new URL(urlA), new URL(urlB)];

function fail(message) {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

let flipped = false;
let count = 0;
const routed = [];
const proxy = http.createServer((req, res) => {
  const node = mode === "flip" ? (flipped ? 1 : 0) : count++ % 2;
  routed.push(`${req.method} ${"AB"[node]}`);
  const upstream = http.request({ host: nodes[node].hostname, port: nodes[node].port, path: req.url,
    method: req.method, headers: req.headers }, (answer) => {
    res.writeHead(answer.statusCode, answer.headers);
    answer.pipe(res);
  });
  upstream.on("error", (e) => { res.writeHead(502); res.end(String(e)); });
  req.pipe(upstream);
});
await new Promise((resolve) => proxy.listen(0, "127.0.0.1", resolve));

const observed = { mode, connectErrors: [], disconnects: [], engineErrors: [] };
const describe = (err) => ({
  message: err?.message ?? String(err),
  description: typeof err?.description === "number" ? err.description : String(err?.description ?? ""),
  status: err?.context?.status,
  body: err?.context?.responseText,
});
const socket = io(`http://127.0.0.1:${proxy.address().port}`, {
  forceNew: true, transports: ["polling"], reconnectionDelay: 100, reconnectionDelayMax: 200,
});
socket.io.on("open", () => socket.io.engine.on("error", (e) => observed.engineErrors.push(describe(e))));
socket.on("connect_error", (err) => observed.connectErrors.push(describe(err)));
socket.on("disconnect", (reason, details) => observed.disconnects.push({ reason, ...describe(details) }));

// flip: done once the client is connected again (to B); round-robin: done after three failed attempts
let connects = 0;
const done = new Promise((resolve) => {
  socket.on("connect", () => {
    connects++;
    if (mode === "flip" && connects === 1) {
      flipped = true; // from now on the balancer sends this client to B, which never heard of its session
      socket.emit("echo", "wakes the client's POST", () => {});
    } else {
      resolve();
    }
  });
  socket.on("disconnect", () => {
    if (mode === "round-robin" && observed.disconnects.length >= 3) resolve();
  });
});
const timer = setTimeout(() => fail(`not done within ${TIMEOUT_MS} ms: ${JSON.stringify({ ...observed, routed })}`),
  TIMEOUT_MS);
await done;
clearTimeout(timer);
observed.connects = connects;
observed.routed = routed.slice(0, 12);
const report = JSON.stringify(observed);
socket.disconnect();
proxy.close();
process.stdout.write(report + "\n");
process.exit(0);
