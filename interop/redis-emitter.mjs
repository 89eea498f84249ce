// Emits through Node's @socket.io/redis-emitter, for notify's interop tests.
// usage: node redis-emitter.mjs <redisUrl> <key> <room> <event> <jsonArg> [exceptRoom]
// Emits <event>(<jsonArg>) to <room> (except <exceptRoom>), then "marker" to everyone, then exits.
// In <jsonArg>, {"$date": <ms>} stands for a JavaScript Date (notepack.io writes it as a msgpack timestamp).
import { createClient } from "redis";
import { Emitter } from "@socket.io/redis-emitter";

const [url, key, room, event, json, except] = process.argv.slice(2);
const client = createClient({ url });
client.on("error", (e) => console.error("redis error", e.message));
await client.connect();
const emitter = new Emitter(client, { key });
let op = emitter.to(room);
if (except) op = op.except(except);
op.emit(event, JSON.parse(json, (k, v) => (v && typeof v === "object" && "$date" in v ? new Date(v.$date) : v)));
emitter.emit("marker");
await client.quit();
console.log("emitted");
