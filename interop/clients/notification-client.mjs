// One npm socket.io-client socket, driven by a Java integration test (NodeClient.java): commands come on stdin
// and everything that happens goes to stdout, one JSON object per line.
//
// usage: node notification-client.mjs <url> '<options JSON>'
//   options: what io(url, options) takes (auth, reconnection, ...), plus
//     autoAck: event names this client acknowledges as soon as they arrive (with no arguments)
//   The socket starts disconnected: send {"cmd":"connect"}.
//
// stdin commands:
//   {"cmd":"connect"}                      socket.connect()
//   {"cmd":"drop"}                         socket.io.engine.close(): the transport goes, as on a network cut
//   {"cmd":"disconnect"}                   socket.disconnect()
//   {"cmd":"emit","event":"e","args":[…],"ack":"<tag>"}   emits; with "ack", reports the answer (10 s timeout)
//   stdin closed: disconnects and exits
// stdout lines:
//   {"type":"connect","id":"…","recovered":true|false}
//   {"type":"disconnect","reason":"…"}
//   {"type":"connect_error","message":"…"}
//   {"type":"event","name":"e","args":[…],"ackRequested":true|false}   (args as received, an offset last if any)
//   {"type":"ack","tag":"<tag>","error":null|"…","args":[…]}
import { io } from "socket.io-client";
import readline from "node:readline";

const [url, optionsJson = "{}"] = process.argv.slice(2);
const { autoAck = [], ...options } = JSON.parse(optionsJson);
const socket = io(url, { transports: ["websocket"], autoConnect: false, ...options });
const out = (line) => process.stdout.write(JSON.stringify(line) + "\n");

socket.on("connect", () => out({ type: "connect", id: socket.id, recovered: Boolean(socket.recovered) }));
socket.on("disconnect", (reason) => out({ type: "disconnect", reason }));
socket.on("connect_error", (err) => out({ type: "connect_error", message: err.message }));
socket.onAny((name, ...args) => {
  const ack = typeof args[args.length - 1] === "function" ? args.pop() : null;
  out({ type: "event", name, args, ackRequested: ack !== null });
  if (ack && autoAck.includes(name)) {
    ack();
  }
});

const commands = readline.createInterface({ input: process.stdin });
commands.on("line", (line) => {
  const command = JSON.parse(line);
  switch (command.cmd) {
    case "connect":
      socket.connect();
      break;
    case "drop":
      socket.io.engine.close();
      break;
    case "disconnect":
      socket.disconnect();
      break;
    case "emit":
      if (command.ack) {
        socket.timeout(10000).emit(command.event, ...(command.args ?? []), (err, ...args) =>
          out({ type: "ack", tag: command.ack, error: err ? err.message : null, args }));
      } else {
        socket.emit(command.event, ...(command.args ?? []));
      }
      break;
    default:
      out({ type: "error", message: "unknown command " + command.cmd });
  }
});
commands.on("close", () => {
  socket.disconnect();
  process.exit(0);
});
