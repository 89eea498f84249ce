// A reconnection storm (notify-jakarta dev.notify.jakarta.container.ReconnectStormIT): <count> clients connect to
// <url> at the same moment, as every client of a restarted node does. Lean clients on `ws` and `fetch` (the
// official client could not open connections fast enough here to reach the server's limit), retrying as the
// official client reconnects: after 1 s, doubling up to 5 s, randomized by half; a polling handshake refused with
// 503 waits its Retry-After. Nine in ten open a WebSocket and join the main namespace, one in ten makes a polling
// handshake and closes its session. Prints ONE JSON line once all are in, or at the deadline: how many got in, how many attempts were
// refused (WebSocket close 1013, HTTP 503), and when the last one got in.
//
//   node reconnect-storm.mjs <url> <count> <deadlineMs>
import WebSocket from "ws";

const [url, countArg, deadlineArg] = process.argv.slice(2);
const count = Number(countArg);
const deadlineMs = Number(deadlineArg);
const started = Date.now();
const open = [];
let connected = 0;
let refused = { websocket: 0, polling: 0 };
let failed = 0;
let lastConnectedMs = 0;

function report() {
  process.stdout.write(JSON.stringify({ connected, refused, failed, lastConnectedMs }) + "\n");
  for (const ws of open) ws.terminate();
  process.exit(0);
}

function gotIn() {
  connected++;
  lastConnectedMs = Date.now() - started;
  if (connected === count) {
    clearTimeout(deadline);
    report();
  }
}

function backoff(attempt) {
  const base = Math.min(5000, 1000 * 2 ** attempt);
  return base * (0.5 + Math.random());
}

function websocket(attempt) {
  const ws = new WebSocket(url.replace(/^http/, "ws") + "/socket.io/?EIO=4&transport=websocket");
  let joined = false;
  ws.on("message", (data) => {
    const text = data.toString();
    if (text.startsWith("0{")) ws.send("40");
    else if (text.startsWith("40{") && !joined) {
      joined = true;
      open.push(ws);
      gotIn();
    } else if (text === "2") ws.send("3");
  });
  ws.on("close", (code) => {
    if (joined) return;
    if (code === 1013) refused.websocket++;
    else failed++;
    setTimeout(() => websocket(attempt + 1), backoff(attempt));
  });
  ws.on("error", () => {});
}

async function polling(attempt) {
  try {
    const response = await fetch(url + "/socket.io/?EIO=4&transport=polling");
    const body = await response.text();
    if (response.status === 200 && body.startsWith("0{")) {
      // in: leave at once, so that the session does not wait for its ping timeout
      const sid = JSON.parse(body.substring(1)).sid;
      await fetch(url + "/socket.io/?EIO=4&transport=polling&sid=" + sid, { method: "POST", body: "1" });
      gotIn();
      return;
    }
    if (response.status === 503) {
      refused.polling++;
      const wait = Number(response.headers.get("retry-after") ?? "1") * 1000;
      setTimeout(() => polling(attempt + 1), wait * (0.5 + Math.random()));
      return;
    }
    failed++;
  } catch (e) {
    failed++;
  }
  setTimeout(() => polling(attempt + 1), backoff(attempt));
}

const deadline = setTimeout(report, deadlineMs);
for (let i = 0; i < count; i++) {
  if (i % 10 === 0) polling(0);
  else websocket(0);
}
