package dev.notify.redis.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP forwarder on {@code 127.0.0.1:0} standing in for a load balancer: it forwards each connection to the
 * current target port, can {@link #hold()} new connections (accepted, not forwarded) and {@link #release} them to
 * another target, as a balancer moving a client to another node. One thread per direction per connection; for tests.
 */
public final class TcpProxy implements AutoCloseable {

  private final ServerSocket server;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  /** guarded by this */
  private final List<Socket> held = new ArrayList<>();
  /** guarded by this; 0 while holding */
  private int target;

  private TcpProxy(int target) throws IOException {
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.target = target;
    Thread acceptor = new Thread(this::acceptLoop, "tcp-proxy-accept-" + server.getLocalPort());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** A proxy forwarding to {@code 127.0.0.1:targetPort}. */
  public static TcpProxy start(int targetPort) {
    try {
      return new TcpProxy(targetPort);
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the proxy: " + e.getMessage(), e);
    }
  }

  public int port() {
    return server.getLocalPort();
  }

  /** New connections are accepted but wait, unanswered, until {@link #release}; open ones keep flowing. */
  public synchronized void hold() {
    target = 0;
  }

  /** Forwards the waiting connections, and every later one, to {@code 127.0.0.1:targetPort}. */
  public synchronized void release(int targetPort) {
    target = targetPort;
    for (Socket client : held) {
      forward(client, targetPort);
    }
    held.clear();
  }

  /** How many connections wait for {@link #release}. */
  public synchronized int waiting() {
    return held.size();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      sockets.add(client);
      synchronized (this) {
        if (target == 0) {
          held.add(client);
        } else {
          forward(client, target);
        }
      }
    }
  }

  private void forward(Socket client, int port) {
    Socket upstream;
    try {
      upstream = new Socket(InetAddress.getLoopbackAddress(), port);
    } catch (IOException e) {
      closeQuietly(client);
      return;
    }
    sockets.add(upstream);
    pipe(client, upstream, "up");
    pipe(upstream, client, "down");
  }

  private static void pipe(Socket from, Socket to, String direction) {
    Thread t = new Thread(() -> {
      byte[] buffer = new byte[16 * 1024];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        int n;
        while ((n = in.read(buffer)) >= 0) {
          out.write(buffer, 0, n);
          out.flush();
        }
      } catch (IOException e) {
        // one side went away
      } finally {
        closeQuietly(from);
        closeQuietly(to);
      }
    }, "tcp-proxy-" + direction + "-" + from.getPort());
    t.setDaemon(true);
    t.start();
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  @Override
  public void close() {
    closeQuietly(server);
    for (Socket socket : sockets) {
      closeQuietly(socket);
    }
  }

  private static void closeQuietly(ServerSocket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // closing anyway
    }
  }
}
