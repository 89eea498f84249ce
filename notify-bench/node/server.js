// The reference server of notify's load scenarios: Node socket.io 4.8 with the same application as
// dev.notify.bench.server.BenchHandlers, default heartbeat (25 s / 20 s), on 127.0.0.1.
//   node --expose-gc server.js [--port N] [--redis redis://127.0.0.1:6379] [--per-message-deflate on|off]
// --per-message-deflate on (without the option: BENCH_PER_MESSAGE_DEFLATE=true) sets socket.io's perMessageDeflate
// option (off by default): ws then accepts a client's permessage-deflate offer and compresses messages of 1 KB and
// more.
// Prints "READY <port> <pid>". Commands on stdin, one answer line each: gc ("heap <used bytes>" after a full
// GC), count ("count <open engine sessions>"), quit.
import { createServer } from 'node:http';
import { createInterface } from 'node:readline';
import { Server } from 'socket.io';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const port = Number(option('--port', '0'));
const redisUrl = option('--redis', null);
const perMessageDeflate = ['on', 'true']
  .includes(option('--per-message-deflate', process.env.BENCH_PER_MESSAGE_DEFLATE === 'true' ? 'on' : 'off'));

const httpServer = createServer();
const io = new Server(httpServer, { serveClient: false, perMessageDeflate });

if (redisUrl) {
  const { createClient } = await import('redis');
  const { createAdapter } = await import('@socket.io/redis-adapter');
  const pub = createClient({ url: redisUrl });
  const sub = pub.duplicate();
  await Promise.all([pub.connect(), sub.connect()]);
  io.adapter(createAdapter(pub, sub));
}

io.on('connection', (socket) => {
  const query = socket.handshake.query;
  if (query.room) socket.join(query.room);
  const target = query.to || 'fan';
  socket.on('fan', (payload) => io.to(target).emit('m', payload));
  socket.on('echo', (payload, ack) => ack(payload));
  socket.on('join', (room, ack) => {
    socket.join(room);
    if (typeof ack === 'function') ack('ok');
  });
  socket.on('cast', (room, payload) => io.to(room).emit('m', payload));
});

httpServer.listen(port, '127.0.0.1', () => {
  console.log(`READY ${httpServer.address().port} ${process.pid}`);
});

createInterface({ input: process.stdin }).on('line', (line) => {
  const command = line.trim();
  if (command === 'gc') {
    for (let i = 0; i < 3; i++) global.gc();
    console.log(`heap ${process.memoryUsage().heapUsed}`);
  } else if (command === 'count') {
    console.log(`count ${io.engine.clientsCount}`);
  } else if (command === 'quit') {
    io.close();
    console.log('bye');
    process.exit(0);
  } else {
    console.log(`error unknown command ${command}`);
  }
}).on('close', () => process.exit(0));
