package dev.notify.bench.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * One process of the load generator: Socket.IO clients over WebSocket on one NIO selector thread. It speaks just
 * enough of the protocols for the scenarios: the WebSocket upgrade (optionally offering permessage-deflate),
 * Engine.IO open and ping/pong, Socket.IO CONNECT to the main namespace, EVENT and ACK. Received text is parsed in
 * the read buffer, without building strings: an {@code m} event or an ack counts, and its latency is read from the
 * timestamp (System.nanoTime, the system-wide monotonic clock, so comparable across processes) at the start of its
 * string payload.
 *
 * <p>Driven by {@link dev.notify.bench.driver.Bench} and {@link dev.notify.bench.driver.Soak} through stdin, one
 * command per line; each answers one line on stdout:
 * <pre>
 * connect GROUP HOST PORT COUNT QUERY [deflate]
 *                                       -> connected OK FAILED MILLIS DEFLATED   (QUERY "-" for none, e.g.
 *                                          room=fan; DEFLATED: upgrades whose 101 accepted permessage-deflate)
 * fan GROUP RATE MILLIS SIZE            -> sent N   (the group's clients emit fan("ts|pad...") at RATE/s)
 * echo GROUP RATE MILLIS SIZE           -> sent N   (emit echo("ts|pad...", ack) round-robin at RATE/s)
 * cast GROUP RATE MILLIS PREFIX ROOMS SIZE
 *                                       -> sent N   (emit cast("PREFIXk", "ts|pad..."), k = 0 … ROOMS-1 in turn)
 * churn COUNT HOST:PORT,HOST:PORT ROOMS ECHOES BROADCASTS PAUSE_MIN_MS PAUSE_MAX_MS TIMEOUT_MS deflate|-
 *                                       -> churning COUNT   (see below)
 * churn-stats                           -> churn CONNECTS CYCLES ACKS BROADCASTS CONNECT_FAILS DROPS TIMEOUTS OPEN
 *                                          DEFLATED   (counts since the churn started)
 * churn-stop                            -> churn-stopped FORCED   (once every churning client is gone)
 * reset                                 -> ok       (zero the counters and histograms, mark the CPU)
 * stats                                 -> stats RECEIVED ACKS ERRORS CLOSED CONNECTED CPU_NS MHIST AHIST
 * close                                 -> (closes everything and exits)
 * </pre>
 * A churning client loops: connect to the next node of the list in turn, emit {@code join("soak-<node>-<k>")}
 * (k random below ROOMS) and ECHOES {@code echo} events, all with ack; once every ack and BROADCASTS {@code m}
 * events have arrived, disconnect (four times in five cleanly: Socket.IO DISCONNECT then a WebSocket close, and
 * the server's close awaited; else by closing the TCP connection), pause a random PAUSE_MIN_MS … PAUSE_MAX_MS, and
 * again. A cycle not done within TIMEOUT_MS counts as a timeout and is ended by closing the connection.
 *
 * <p>Connections bind source addresses 127.0.0.1 … 127.0.0.8 in turn (each process's open-files limit caps it,
 * not the ephemeral ports). Client frames use the masking key 0, which is valid framing and spares the XOR; the
 * server still unmasks.
 *
 * <p>With {@code deflate}, the upgrade request offers {@code permessage-deflate; client_max_window_bits}, as
 * browsers do. When the server's 101 accepts it, frames with RSV1 are inflated (RFC 7692: the message's payload
 * plus {@code 00 00 ff ff}), with a context per connection unless the server said
 * {@code server_no_context_takeover}; the client's own text messages are compressed too, as a browser's are, but
 * each from a fresh context (one {@link Deflater} for the whole process, reset per message): a sender may always
 * refrain from referring to earlier messages, so this is valid whatever the server negotiated, and it costs the
 * generator no memory per connection.
 */
public final class LoadWorker {

  private static final int MAX_HANDSHAKES = 256;
  private static final long CONNECT_TIMEOUT_NANOS = 120_000_000_000L;
  private static final long CLOSE_TIMEOUT_NANOS = 5_000_000_000L;
  private static final long STOP_TIMEOUT_NANOS = 10_000_000_000L;
  private static final byte[] PONG_TEXT = {'3'};
  private static final byte[] CONNECT_TEXT = {'4', '0'};
  private static final byte[] DISCONNECT_TEXT = {'4', '1'};
  private static final byte[] CLOSE_NORMAL = {0x03, (byte) 0xE8};
  /** What RFC 7692 has the receiver append to a message's payload before inflating it. */
  private static final byte[] DEFLATE_TAIL = {0x00, 0x00, (byte) 0xFF, (byte) 0xFF};
  private static final String PERMESSAGE_DEFLATE = "permessage-deflate";

  private static final int TCP = 0;
  private static final int HTTP = 1;
  private static final int ENGINE_OPEN = 2;
  private static final int SOCKET_CONNECT = 3;
  private static final int CONNECTED = 4;
  private static final int CLOSED = 5;

  private static final int FAN = 0;
  private static final int ECHO = 1;
  private static final int CAST = 2;

  private final int workerIndex;
  private final Selector selector;
  private final ConcurrentLinkedQueue<String> commands = new ConcurrentLinkedQueue<>();
  private final PrintStream out;
  private final Map<String, List<Conn>> groups = new HashMap<>();
  private final List<ConnectTask> connecting = new ArrayList<>();
  private final List<Sender> senders = new ArrayList<>();
  private final PriorityQueue<Timer> timers = new PriorityQueue<>(Comparator.comparingLong(Timer::due));
  private final SplittableRandom random;
  private Churn churn;
  private byte[] rbytes = new byte[256 * 1024];
  private ByteBuffer rbuf = ByteBuffer.wrap(rbytes);
  private byte[] inflated = new byte[64 * 1024];
  private byte[] deflated = new byte[4 * 1024];
  private Deflater deflater;
  private Inflater sharedInflater;
  private int addressTurn;
  private int handshakes;

  private final Histogram eventLatency = new Histogram();
  private final Histogram ackLatency = new Histogram();
  private long received;
  private long acks;
  private long errors;
  private long closed;
  private long cpuMark;
  private boolean running = true;

  private LoadWorker(int workerIndex, PrintStream out) throws IOException {
    this.workerIndex = workerIndex;
    this.selector = Selector.open();
    this.out = out;
    this.addressTurn = workerIndex;
    this.random = new SplittableRandom(workerIndex * 7919L + 1);
  }

  public static void main(String[] args) throws IOException {
    int index = args.length > 0 ? Integer.parseInt(args[0]) : 0;
    LoadWorker worker = new LoadWorker(index, new PrintStream(System.out, true, StandardCharsets.US_ASCII));
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII))) {
        String line;
        while ((line = in.readLine()) != null) {
          worker.commands.add(line.trim());
          worker.selector.wakeup();
        }
      } catch (IOException e) {
        // the driver is gone
      }
      worker.commands.add("close");
      worker.selector.wakeup();
    }, "commands");
    reader.setDaemon(true);
    reader.start();
    worker.run();
  }

  private void run() throws IOException {
    cpuMark = ProcStat.selfCpuNanos();
    while (running) {
      String command;
      while ((command = commands.poll()) != null) {
        command(command);
      }
      if (!running) {
        break;
      }
      selector.select(selectTimeoutMillis());
      long now = System.nanoTime();
      Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
      while (keys.hasNext()) {
        SelectionKey key = keys.next();
        keys.remove();
        Conn c = (Conn) key.attachment();
        try {
          if (!key.isValid()) {
            continue;
          }
          if (key.isConnectable()) {
            onConnectable(c);
          } else {
            if (key.isWritable()) {
              flush(c);
            }
            if (key.isValid() && key.isReadable()) {
              onReadable(c, now);
            }
          }
        } catch (IOException | RuntimeException | DataFormatException e) {
          fail(c);
        }
      }
      startConnections(now);
      runTimers(System.nanoTime());
      runSenders(System.nanoTime());
      if (churn != null && churn.stopping && !churn.stopReported) {
        churn.checkStopped(System.nanoTime());
      }
    }
    for (List<Conn> group : groups.values()) {
      for (Conn c : group) {
        closeQuietly(c);
      }
    }
    if (churn != null) {
      for (ChurnClient client : churn.clients) {
        if (client.conn != null) {
          closeQuietly(client.conn);
        }
      }
    }
    out.flush();
  }

  private long selectTimeoutMillis() {
    long wait = senders.isEmpty() ? 50 : 1;
    Timer next = timers.peek();
    if (next != null) {
      wait = Math.min(wait, Math.max(1, (next.due - System.nanoTime()) / 1_000_000));
    }
    return wait;
  }

  // ---- commands ----

  private void command(String line) {
    String[] w = line.split(" ");
    switch (w[0]) {
      case "connect" -> {
        ConnectTask task = new ConnectTask(w[1], w[2], Integer.parseInt(w[3]), Integer.parseInt(w[4]),
            "-".equals(w[5]) ? "" : "&" + w[5], w.length > 6 && "deflate".equals(w[6]));
        groups.computeIfAbsent(task.group, g -> new ArrayList<>());
        connecting.add(task);
      }
      case "fan", "echo" -> {
        List<Conn> group = groups.getOrDefault(w[1], List.of());
        senders.add(new Sender("echo".equals(w[0]) ? ECHO : FAN, group, Double.parseDouble(w[2]),
            Long.parseLong(w[3]) * 1_000_000L, Integer.parseInt(w[4]), null, 0));
      }
      case "cast" -> {
        List<Conn> group = groups.getOrDefault(w[1], List.of());
        senders.add(new Sender(CAST, group, Double.parseDouble(w[2]), Long.parseLong(w[3]) * 1_000_000L,
            Integer.parseInt(w[6]), w[4], Integer.parseInt(w[5])));
      }
      case "churn" -> {
        if (churn != null) {
          out.println("error already churning");
          return;
        }
        churn = new Churn(w);
        long now = System.nanoTime();
        for (ChurnClient client : churn.clients) {
          // spread the first connections over the first pause, not all at once
          client.schedule(now + (long) (random.nextDouble() * churn.pauseMax));
        }
        out.println("churning " + churn.clients.size());
      }
      case "churn-stats" -> {
        Churn ch = churn;
        if (ch == null) {
          out.println("churn 0 0 0 0 0 0 0 0 0");
          return;
        }
        int open = 0;
        for (ChurnClient client : ch.clients) {
          open += client.conn != null && client.conn.state == CONNECTED ? 1 : 0;
        }
        out.println("churn " + ch.connects + " " + ch.cycles + " " + ch.acks + " " + ch.broadcastsReceived + " "
            + ch.connectFails + " " + ch.drops + " " + ch.timeouts + " " + open + " " + ch.deflated);
      }
      case "churn-stop" -> {
        if (churn == null || churn.stopping) {
          out.println("churn-stopped 0");
        } else {
          churn.stop(System.nanoTime());
        }
      }
      case "reset" -> {
        eventLatency.reset();
        ackLatency.reset();
        received = 0;
        acks = 0;
        errors = 0;
        closed = 0;
        cpuMark = ProcStat.selfCpuNanos();
        out.println("ok");
      }
      case "stats" -> {
        int open = 0;
        for (List<Conn> group : groups.values()) {
          for (Conn c : group) {
            open += c.state == CONNECTED ? 1 : 0;
          }
        }
        out.println("stats " + received + " " + acks + " " + errors + " " + closed + " " + open + " "
            + (ProcStat.selfCpuNanos() - cpuMark) + " " + eventLatency.serialize() + " " + ackLatency.serialize());
      }
      case "close", "quit" -> running = false;
      default -> out.println("error unknown command " + line);
    }
  }

  // ---- who a connection reports to ----

  /** The owner of a connection: a connect task (connections held by a group) or a churning client. */
  private interface Owner {
    InetSocketAddress server();

    int port();

    /** Extra query parameters, starting with {@code &}, or empty. */
    String query();

    /** Whether the upgrade request offers permessage-deflate. */
    boolean offersDeflate();

    /** The server's 101 accepted permessage-deflate. */
    void negotiated(Conn c);

    /** Socket.IO CONNECT answered: the connection is up. */
    void connected(Conn c);

    /** The connection is closed, by either side, before or after it was up. */
    void lost(Conn c, boolean wasConnected);

    /** An EVENT arrived. */
    default void event(Conn c) {
    }

    /** An ACK arrived. */
    default void ack(Conn c) {
    }
  }

  // ---- connecting ----

  private final class ConnectTask implements Owner {
    final String group;
    final InetSocketAddress server;
    final int port;
    final int count;
    final String query;
    final boolean deflate;
    final long started = System.nanoTime();
    int opened;
    int done;
    int failed;
    int deflated;
    boolean reported;

    ConnectTask(String group, String host, int port, int count, String query, boolean deflate) {
      this.group = group;
      this.server = new InetSocketAddress(host, port);
      this.port = port;
      this.count = count;
      this.query = query;
      this.deflate = deflate;
    }

    @Override
    public InetSocketAddress server() {
      return server;
    }

    @Override
    public int port() {
      return port;
    }

    @Override
    public String query() {
      return query;
    }

    @Override
    public boolean offersDeflate() {
      return deflate;
    }

    @Override
    public void negotiated(Conn c) {
      deflated++;
    }

    @Override
    public void connected(Conn c) {
      finished(true);
    }

    @Override
    public void lost(Conn c, boolean wasConnected) {
      if (wasConnected) {
        closed++;
      } else {
        finished(false);
      }
    }

    void finished(boolean ok) {
      if (ok) {
        done++;
      } else {
        failed++;
      }
      if (done + failed == count) {
        report();
      }
    }

    void report() {
      if (!reported) {
        reported = true;
        out.println("connected " + done + " " + (count - done) + " " + (System.nanoTime() - started) / 1_000_000
            + " " + deflated);
      }
    }
  }

  private void startConnections(long now) {
    for (Iterator<ConnectTask> it = connecting.iterator(); it.hasNext(); ) {
      ConnectTask task = it.next();
      while (task.opened < task.count && handshakes < MAX_HANDSHAKES) {
        task.opened++;
        Conn c = new Conn(task);
        groups.get(task.group).add(c);
        open(c);
      }
      if (task.opened == task.count && task.done + task.failed == task.count) {
        it.remove();
      } else if (now - task.started > CONNECT_TIMEOUT_NANOS) {
        task.report();
        it.remove();
      }
    }
  }

  private void open(Conn c) {
    handshakes++;
    try {
      SocketChannel ch = SocketChannel.open();
      c.ch = ch;
      ch.configureBlocking(false);
      ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
      ch.bind(new InetSocketAddress("127.0.0." + (1 + (addressTurn++ % 8)), 0));
      if (ch.connect(c.owner.server())) {
        c.key = ch.register(selector, SelectionKey.OP_READ, c);
        onTcpConnected(c);
      } else {
        c.key = ch.register(selector, SelectionKey.OP_CONNECT, c);
      }
    } catch (IOException | RuntimeException e) {
      fail(c);
    }
  }

  private void onConnectable(Conn c) throws IOException {
    c.ch.finishConnect();
    c.key.interestOps(SelectionKey.OP_READ);
    onTcpConnected(c);
  }

  private void onTcpConnected(Conn c) throws IOException {
    c.state = HTTP;
    String request = "GET /socket.io/?EIO=4&transport=websocket" + c.owner.query() + " HTTP/1.1\r\n"
        + "Host: 127.0.0.1:" + c.owner.port() + "\r\n"
        + "Upgrade: websocket\r\n"
        + "Connection: Upgrade\r\n"
        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
        + (c.owner.offersDeflate() ? "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n" : "")
        + "Sec-WebSocket-Version: 13\r\n\r\n";
    write(c, ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)));
  }

  private void onSocketConnected(Conn c) {
    c.state = CONNECTED;
    handshakes--;
    c.owner.connected(c);
  }

  private void fail(Conn c) {
    if (c == null || c.state == CLOSED) {
      return;
    }
    boolean wasConnected = c.state == CONNECTED;
    c.state = CLOSED;
    closeQuietly(c);
    if (!wasConnected) {
      handshakes--;
    }
    c.owner.lost(c, wasConnected);
  }

  private static void closeQuietly(Conn c) {
    try {
      if (c.ch != null) {
        c.ch.close();
      }
    } catch (IOException e) {
      // closing anyway
    }
    if (c.inflater != null) {
      c.inflater.end();
      c.inflater = null;
    }
  }

  // ---- reading ----

  private void onReadable(Conn c, long now) throws IOException, DataFormatException {
    while (true) {
      int off = 0;
      if (c.pending != null) {
        if (c.pending.length * 2 > rbytes.length) {
          rbytes = new byte[c.pending.length * 4];
          rbuf = ByteBuffer.wrap(rbytes);
        }
        off = c.pending.length;
        System.arraycopy(c.pending, 0, rbytes, 0, off);
        c.pending = null;
      }
      rbuf.clear().position(off);
      int n = c.ch.read(rbuf);
      int end = rbuf.position();
      if (end > 0) {
        int consumed = parse(c, rbytes, end, now);
        if (c.state == CLOSED) {
          return;
        }
        if (consumed < end) {
          c.pending = Arrays.copyOfRange(rbytes, consumed, end);
        }
      }
      if (n < 0) {
        fail(c);
        return;
      }
      if (rbuf.hasRemaining()) {
        return; // read everything there was
      }
    }
  }

  private int parse(Conn c, byte[] b, int end, long now) throws IOException, DataFormatException {
    int p = 0;
    if (c.state == HTTP) {
      int header = indexOfBlankLine(b, end);
      if (header < 0) {
        return 0;
      }
      if (end < 12 || b[9] != '1' || b[10] != '0' || b[11] != '1') {
        fail(c);
        return end;
      }
      if (c.owner.offersDeflate()) {
        readExtensions(c, new String(b, 0, header, StandardCharsets.ISO_8859_1));
      }
      c.state = ENGINE_OPEN;
      p = header + 4;
    }
    while (p + 2 <= end) {
      int b0 = b[p] & 0xff;
      int b1 = b[p + 1] & 0xff;
      long len = b1 & 0x7f;
      int h = 2;
      if (len == 126) {
        if (p + 4 > end) {
          break;
        }
        len = ((b[p + 2] & 0xff) << 8) | (b[p + 3] & 0xff);
        h = 4;
      } else if (len == 127) {
        if (p + 10 > end) {
          break;
        }
        len = 0;
        for (int i = 0; i < 8; i++) {
          len = (len << 8) | (b[p + 2 + i] & 0xff);
        }
        h = 10;
      }
      boolean masked = (b1 & 0x80) != 0;
      if (masked) {
        h += 4;
      }
      if (p + h + len > end) {
        break;
      }
      int start = p + h;
      int length = (int) len;
      if (masked) {
        for (int i = 0; i < length; i++) {
          b[start + i] ^= b[p + h - 4 + (i & 3)];
        }
      }
      onFrame(c, (b0 & 0x80) != 0, (b0 & 0x40) != 0, b0 & 0x0f, b, start, length, now);
      if (c.state == CLOSED) {
        return end;
      }
      p = start + length;
    }
    return p;
  }

  /**
   * Reads the {@code Sec-WebSocket-Extensions} lines of the 101 answer: permessage-deflate accepted, and whether
   * the server resets its compression context per message ({@code server_no_context_takeover}).
   */
  private static void readExtensions(Conn c, String head) {
    for (String line : head.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon < 0 || !line.substring(0, colon).trim().equalsIgnoreCase("Sec-WebSocket-Extensions")) {
        continue;
      }
      for (String extension : line.substring(colon + 1).split(",")) {
        String[] params = extension.split(";");
        if (!params[0].trim().equalsIgnoreCase(PERMESSAGE_DEFLATE) || c.deflate) {
          continue;
        }
        c.deflate = true;
        for (int i = 1; i < params.length; i++) {
          String param = params[i].trim().toLowerCase(Locale.ROOT);
          if (param.startsWith("server_no_context_takeover")) {
            c.serverNoContextTakeover = true;
          } else if (param.startsWith("client_max_window_bits=")) {
            c.clientWindowBits = Integer.parseInt(param.substring(param.indexOf('=') + 1).replace("\"", "").trim());
          }
        }
      }
    }
    if (c.deflate) {
      c.owner.negotiated(c);
    }
  }

  private static int indexOfBlankLine(byte[] b, int end) {
    for (int i = 0; i + 3 < end; i++) {
      if (b[i] == '\r' && b[i + 1] == '\n' && b[i + 2] == '\r' && b[i + 3] == '\n') {
        return i;
      }
    }
    return -1;
  }

  private void onFrame(Conn c, boolean fin, boolean rsv1, int opcode, byte[] b, int off, int len, long now)
      throws IOException, DataFormatException {
    switch (opcode) {
      case 0 -> {
        c.appendFragment(b, off, len);
        if (fin) {
          byte[] whole = Arrays.copyOf(c.fragment, c.fragmentLength);
          int op = c.fragmentOpcode;
          boolean compressed = c.fragmentCompressed;
          c.fragment = null;
          c.fragmentLength = 0;
          onMessage(c, op, compressed, whole, 0, whole.length, now);
        }
      }
      case 1, 2 -> {
        if (!fin) {
          c.fragmentOpcode = opcode;
          c.fragmentCompressed = rsv1;
          c.appendFragment(b, off, len);
        } else {
          onMessage(c, opcode, rsv1, b, off, len, now);
        }
      }
      case 8 -> fail(c);
      case 9 -> write(c, frame(0x8A, b, off, len));
      default -> {
        // pong: nothing to do
      }
    }
  }

  /** A whole message; a compressed one is inflated even when binary, so that the inflate context stays in step. */
  private void onMessage(Conn c, int opcode, boolean compressed, byte[] b, int off, int len, long now)
      throws IOException, DataFormatException {
    if (compressed) {
      if (!c.deflate) {
        throw new DataFormatException("RSV1 set without permessage-deflate negotiated");
      }
      int n = inflate(c, b, off, len);
      if (opcode == 1) {
        onText(c, inflated, 0, n, now);
      }
    } else if (opcode == 1) {
      onText(c, b, off, len, now);
    }
  }

  /** Inflates one message into {@link #inflated}; returns its length. */
  private int inflate(Conn c, byte[] b, int off, int len) throws DataFormatException {
    Inflater inflater;
    if (c.serverNoContextTakeover) {
      if (sharedInflater == null) {
        sharedInflater = new Inflater(true);
      }
      inflater = sharedInflater;
      inflater.reset();
    } else {
      if (c.inflater == null) {
        c.inflater = new Inflater(true);
      }
      inflater = c.inflater;
    }
    int n = inflateInto(inflater, b, off, len, 0);
    n = inflateInto(inflater, DEFLATE_TAIL, 0, DEFLATE_TAIL.length, n);
    if (inflater.finished()) {
      inflater.reset(); // the message ended with a final block: the next one starts a new stream
    }
    return n;
  }

  private int inflateInto(Inflater inflater, byte[] input, int off, int len, int n) throws DataFormatException {
    inflater.setInput(input, off, len);
    int idle = 0;
    while (true) {
      if (n == inflated.length) {
        inflated = Arrays.copyOf(inflated, inflated.length * 2);
      }
      int k = inflater.inflate(inflated, n, inflated.length - n);
      n += k;
      if (k == 0) {
        if (inflater.needsInput() || inflater.finished() || inflater.needsDictionary()) {
          return n;
        }
        if (++idle > 2) {
          throw new DataFormatException("inflate makes no progress");
        }
      }
    }
  }

  private void onText(Conn c, byte[] b, int off, int len, long now) throws IOException {
    if (len == 0) {
      return;
    }
    switch (b[off]) {
      case '0' -> {
        c.state = SOCKET_CONNECT;
        sendText(c, CONNECT_TEXT);
      }
      case '2' -> sendText(c, PONG_TEXT);
      case '4' -> {
        if (len < 2) {
          return;
        }
        switch (b[off + 1]) {
          case '2' -> {
            received++;
            long ts = timestamp(b, off + 2, off + len);
            if (ts > 0) {
              eventLatency.record((now - ts) / 1000);
            }
            c.owner.event(c);
          }
          case '3' -> {
            acks++;
            long ts = timestamp(b, off + 2, off + len);
            if (ts > 0) {
              ackLatency.record((now - ts) / 1000);
            }
            c.owner.ack(c);
          }
          case '0' -> {
            if (c.state == SOCKET_CONNECT) {
              onSocketConnected(c);
            }
          }
          case '4' -> {
            errors++;
            fail(c);
          }
          case '1' -> fail(c);
          default -> {
          }
        }
      }
      case '1' -> fail(c);
      default -> {
        // pong, noop
      }
    }
  }

  /** The digits after the first {@code "} that is followed by a digit, after the {@code [}; -1 when none. */
  private static long timestamp(byte[] b, int from, int end) {
    int limit = Math.min(end, from + 96);
    int i = from;
    while (i < limit && b[i] != '[') {
      i++;
    }
    for (; i + 1 < limit; i++) {
      if (b[i] == '"' && b[i + 1] >= '0' && b[i + 1] <= '9') {
        long v = 0;
        for (int j = i + 1; j < end && b[j] >= '0' && b[j] <= '9'; j++) {
          v = v * 10 + (b[j] - '0');
        }
        return v;
      }
    }
    return -1;
  }

  // ---- writing ----

  /**
   * Compressed when permessage-deflate was negotiated, unless the message is longer than the window the server
   * allowed us ({@code client_max_window_bits}: the JDK's Deflater always uses 32 KB, so only a message shorter than
   * the allowed window is sure to refer no farther back): sending it plain is always allowed.
   */
  private void sendText(Conn c, byte[] text) throws IOException {
    boolean compress = c.deflate && text.length < 1 << c.clientWindowBits;
    write(c, compress ? compressedFrame(text) : frame(0x81, text, 0, text.length));
  }

  /**
   * A text frame with RSV1, its payload deflated from a fresh context and without the trailing
   * {@code 00 00 ff ff} of the sync flush (RFC 7692, 7.2.1).
   */
  private ByteBuffer compressedFrame(byte[] text) {
    if (deflater == null) {
      deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
    }
    deflater.reset();
    deflater.setInput(text);
    int n = 0;
    while (true) {
      int space = deflated.length - n;
      int k = deflater.deflate(deflated, n, space, Deflater.SYNC_FLUSH);
      n += k;
      if (k < space) {
        break;
      }
      deflated = Arrays.copyOf(deflated, deflated.length * 2);
    }
    return frame(0xC1, deflated, 0, n - DEFLATE_TAIL.length);
  }

  /** A masked client frame, masking key 0. */
  private static ByteBuffer frame(int b0, byte[] payload, int off, int len) {
    int header = len < 126 ? 6 : len < 65536 ? 8 : 14;
    ByteBuffer bb = ByteBuffer.allocate(header + len);
    bb.put((byte) b0);
    if (len < 126) {
      bb.put((byte) (0x80 | len));
    } else if (len < 65536) {
      bb.put((byte) (0x80 | 126)).putShort((short) len);
    } else {
      bb.put((byte) (0x80 | 127)).putLong(len);
    }
    bb.putInt(0);
    bb.put(payload, off, len);
    return bb.flip();
  }

  private void write(Conn c, ByteBuffer bb) throws IOException {
    if (c.state == CLOSED) {
      return;
    }
    if (c.out == null || c.out.isEmpty()) {
      c.ch.write(bb);
      if (!bb.hasRemaining()) {
        return;
      }
      if (c.out == null) {
        c.out = new ArrayDeque<>(4);
      }
      c.out.add(bb);
      c.key.interestOps(c.key.interestOps() | SelectionKey.OP_WRITE);
    } else {
      c.out.add(bb);
    }
  }

  private void flush(Conn c) throws IOException {
    while (c.out != null && !c.out.isEmpty()) {
      ByteBuffer head = c.out.peek();
      c.ch.write(head);
      if (head.hasRemaining()) {
        return;
      }
      c.out.poll();
    }
    c.key.interestOps(c.key.interestOps() & ~SelectionKey.OP_WRITE);
  }

  // ---- sending at a rate ----

  private final class Sender {
    final int kind;
    final List<Conn> group;
    final double rate;
    final long duration;
    final String pad;
    final String roomPrefix;
    final int rooms;
    final long started = System.nanoTime();
    long sent;
    int turn;

    Sender(int kind, List<Conn> group, double rate, long duration, int size, String roomPrefix, int rooms) {
      this.kind = kind;
      this.group = group;
      this.rate = rate;
      this.duration = duration;
      // the payload string: "<19-digit-or-fewer ts>|" + pad, size characters in all
      this.pad = "x".repeat(Math.max(0, size - 20));
      this.roomPrefix = roomPrefix;
      this.rooms = rooms;
    }
  }

  private void runSenders(long now) {
    for (Iterator<Sender> it = senders.iterator(); it.hasNext(); ) {
      Sender s = it.next();
      long elapsed = Math.min(now - s.started, s.duration);
      long due = (long) (elapsed * s.rate / 1e9) - s.sent;
      for (long i = 0; i < due && !s.group.isEmpty(); i++) {
        Conn c = null;
        for (int tries = 0; tries < s.group.size(); tries++) {
          Conn candidate = s.group.get(s.turn++ % s.group.size());
          if (candidate.state == CONNECTED) {
            c = candidate;
            break;
          }
        }
        if (c == null) {
          break;
        }
        long ts = System.nanoTime();
        String text = switch (s.kind) {
          case ECHO -> "42" + (c.nextAck++) + "[\"echo\",\"" + ts + "|" + s.pad + "\"]";
          case CAST -> "42[\"cast\",\"" + s.roomPrefix + (s.sent % s.rooms) + "\",\"" + ts + "|" + s.pad + "\"]";
          default -> "42[\"fan\",\"" + ts + "|" + s.pad + "\"]";
        };
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        try {
          sendText(c, bytes);
        } catch (IOException e) {
          fail(c);
        }
        s.sent++;
      }
      if (now - s.started >= s.duration) {
        out.println("sent " + s.sent);
        it.remove();
      }
    }
  }

  // ---- churn ----

  private record Timer(long due, ChurnClient client, int generation) {
  }

  private void runTimers(long now) {
    Timer t;
    while ((t = timers.peek()) != null && t.due <= now) {
      timers.poll();
      if (t.generation == t.client.generation) {
        t.client.onTimer(now);
      }
    }
  }

  /** The clients of a {@code churn} command and their counters. */
  private final class Churn {
    final InetSocketAddress[] nodes;
    final int[] ports;
    final int rooms;
    final int echoes;
    final int broadcasts;
    final long pauseMin;
    final long pauseMax;
    final long timeout;
    final boolean deflate;
    final List<ChurnClient> clients = new ArrayList<>();
    /** After {@code churn-stop}: no client connects again. */
    boolean stopping;
    boolean stopReported;
    long stopDeadline;
    long connects;
    long cycles;
    long acks;
    long broadcastsReceived;
    long connectFails;
    long drops;
    long timeouts;
    long deflated;

    Churn(String[] w) {
      int count = Integer.parseInt(w[1]);
      String[] hostPorts = w[2].split(",");
      nodes = new InetSocketAddress[hostPorts.length];
      ports = new int[hostPorts.length];
      for (int i = 0; i < hostPorts.length; i++) {
        int colon = hostPorts[i].lastIndexOf(':');
        ports[i] = Integer.parseInt(hostPorts[i].substring(colon + 1));
        nodes[i] = new InetSocketAddress(hostPorts[i].substring(0, colon), ports[i]);
      }
      rooms = Integer.parseInt(w[3]);
      echoes = Integer.parseInt(w[4]);
      broadcasts = Integer.parseInt(w[5]);
      pauseMin = Long.parseLong(w[6]) * 1_000_000L;
      pauseMax = Long.parseLong(w[7]) * 1_000_000L;
      timeout = Long.parseLong(w[8]) * 1_000_000L;
      deflate = "deflate".equals(w[9]);
      for (int i = 0; i < count; i++) {
        clients.add(new ChurnClient(this, workerIndex * 1_000_000 + i));
      }
    }

    long pause() {
      return pauseMin + (long) (random.nextDouble() * (pauseMax - pauseMin));
    }

    void stop(long now) {
      stopping = true;
      stopDeadline = now + STOP_TIMEOUT_NANOS;
      for (ChurnClient client : clients) {
        Conn c = client.conn;
        if (c != null && !c.leaving) {
          client.leave(c, c.state == CONNECTED, now);
        }
      }
      checkStopped(now);
    }

    void checkStopped(long now) {
      int left = 0;
      for (ChurnClient client : clients) {
        left += client.conn != null ? 1 : 0;
      }
      if (left > 0 && now < stopDeadline) {
        return;
      }
      for (ChurnClient client : clients) {
        if (client.conn != null) {
          client.conn.leaving = true;
          fail(client.conn);
        }
      }
      stopReported = true;
      out.println("churn-stopped " + left);
    }
  }

  /** One client of a churn: connect, join, echo, receive broadcasts, leave, pause, again. */
  private final class ChurnClient implements Owner {
    final Churn churn;
    final int id;
    int generation;
    int cycle;
    int node;
    Conn conn;
    int acksDue;
    int broadcasts;

    ChurnClient(Churn churn, int id) {
      this.churn = churn;
      this.id = id;
    }

    void schedule(long due) {
      timers.add(new Timer(due, this, generation));
    }

    void onTimer(long now) {
      if (conn == null) {
        start(now);
      } else if (conn.leaving) {
        fail(conn); // the server did not answer the close in time
      } else {
        churn.timeouts++;
        conn.leaving = true;
        fail(conn);
      }
    }

    void start(long now) {
      if (churn.stopping || !running) {
        return;
      }
      if (handshakes >= MAX_HANDSHAKES) {
        schedule(now + 5_000_000L);
        return;
      }
      node = (id + cycle++) % churn.nodes.length;
      acksDue = 1 + churn.echoes;
      broadcasts = 0;
      generation++;
      conn = new Conn(this);
      schedule(now + churn.timeout);
      open(conn);
    }

    void leave(Conn c, boolean clean, long now) {
      c.leaving = true;
      generation++;
      if (!clean) {
        fail(c);
        return;
      }
      try {
        sendText(c, DISCONNECT_TEXT);
        write(c, frame(0x88, CLOSE_NORMAL, 0, CLOSE_NORMAL.length));
        schedule(now + CLOSE_TIMEOUT_NANOS);
      } catch (IOException e) {
        fail(c);
      }
    }

    private void done(Conn c) {
      if (acksDue <= 0 && broadcasts >= churn.broadcasts && !c.leaving) {
        churn.cycles++;
        leave(c, random.nextInt(5) != 0, System.nanoTime());
      }
    }

    @Override
    public InetSocketAddress server() {
      return churn.nodes[node];
    }

    @Override
    public int port() {
      return churn.ports[node];
    }

    @Override
    public String query() {
      return "";
    }

    @Override
    public boolean offersDeflate() {
      return churn.deflate;
    }

    @Override
    public void negotiated(Conn c) {
      churn.deflated++;
    }

    @Override
    public void connected(Conn c) {
      churn.connects++;
      String room = "soak-" + node + "-" + random.nextInt(churn.rooms);
      try {
        sendText(c, ("42" + c.nextAck++ + "[\"join\",\"" + room + "\"]").getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < churn.echoes; i++) {
          sendText(c, ("42" + c.nextAck++ + "[\"echo\",\"" + System.nanoTime() + "|soak\"]")
              .getBytes(StandardCharsets.US_ASCII));
        }
      } catch (IOException e) {
        fail(c);
      }
    }

    @Override
    public void ack(Conn c) {
      churn.acks++;
      acksDue--;
      done(c);
    }

    @Override
    public void event(Conn c) {
      churn.broadcastsReceived++;
      broadcasts++;
      done(c);
    }

    @Override
    public void lost(Conn c, boolean wasConnected) {
      if (c != conn) {
        return;
      }
      if (!c.leaving) {
        if (wasConnected) {
          churn.drops++;
        } else {
          churn.connectFails++;
        }
      }
      conn = null;
      generation++;
      if (!churn.stopping) {
        schedule(System.nanoTime() + churn.pause());
      }
    }
  }

  // ---- one connection ----

  private static final class Conn {
    final Owner owner;
    SocketChannel ch;
    SelectionKey key;
    int state = TCP;
    byte[] pending;
    ArrayDeque<ByteBuffer> out;
    byte[] fragment;
    int fragmentLength;
    int fragmentOpcode;
    boolean fragmentCompressed;
    long nextAck;
    /** permessage-deflate negotiated. */
    boolean deflate;
    boolean serverNoContextTakeover;
    /** The LZ77 window the server allows our compressor, as a power of two. */
    int clientWindowBits = 15;
    /** The inflate context of this connection (context takeover); created by the first compressed message. */
    Inflater inflater;
    /** Its owner is closing it: the close is no failure. */
    boolean leaving;

    Conn(Owner owner) {
      this.owner = owner;
    }

    void appendFragment(byte[] b, int off, int len) {
      if (fragment == null) {
        fragment = new byte[Math.max(256, len * 2)];
      } else if (fragmentLength + len > fragment.length) {
        fragment = Arrays.copyOf(fragment, Math.max(fragment.length * 2, fragmentLength + len));
      }
      System.arraycopy(b, off, fragment, fragmentLength, len);
      fragmentLength += len;
    }
  }
}
