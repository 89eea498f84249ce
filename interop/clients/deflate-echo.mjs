// notify-jakarta dev.notify.jakarta.container.CompressionIT: opens a raw Engine.IO WebSocket with Node's ws, which
// offers permessage-deflate, joins the main namespace and has the server's `echo` event ack a 20 KB string, so the
// frames both ways are large enough to be compressed. Prints ONE JSON line: the extensions agreed, and whether the
// echo came back unchanged; exits non-zero with a message on stderr on any error or timeout.
//
//   node deflate-echo.mjs <url>
import { WebSocket } from "ws";

const TIMEOUT_MS = Number(process.env.INTEROP_TIMEOUT_MS ?? 10000);
const [url] = process.argv.slice(2);
const big = "compressible ".repeat(1600);

const timer = setTimeout(() => {
  process.stderr.write(`nothing within ${TIMEOUT_MS} ms\n`);
  process.exit(1);
}, TIMEOUT_MS);
const ws = new WebSocket(`${url.replace(/^http/, "ws")}/socket.io/?EIO=4&transport=websocket`);
ws.on("error", (e) => {
  process.stderr.write(`websocket error: ${e.message}\n`);
  process.exit(1);
});
ws.on("message", (data) => {
  const text = data.toString();
  if (text.startsWith("0")) {
    ws.send("40");
  } else if (text.startsWith("40")) {
    ws.send(`421["echo",${JSON.stringify(big)}]`);
  } else if (text === "2") {
    ws.send("3");
  } else if (text.startsWith("431")) {
    clearTimeout(timer);
    console.log(JSON.stringify({ extensions: ws.extensions, echoed: JSON.parse(text.slice(3))[0] === big }));
    ws.close();
  }
});
