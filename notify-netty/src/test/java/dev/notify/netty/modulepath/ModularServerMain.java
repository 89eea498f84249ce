package dev.notify.netty.modulepath;

import dev.notify.core.server.NotifyServer;
import dev.notify.netty.NotifyNetty;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * A server for {@code ModulePathIT}, run with notify and Netty on the module path (so in a package of its own, which no
 * module holds): answers {@code echo} with its
 * arguments and the name of the module {@code NotifyNetty} runs in, prints {@code READY <port>}, stops when its
 * standard input ends.
 */
public final class ModularServerMain {

  private ModularServerMain() {
  }

  public static void main(String[] args) throws IOException {
    NotifyServer io = NotifyServer.builder().build();
    io.onConnection(socket -> socket.on("echo", (a, ack) ->
        ack.send(a.get(0), String.valueOf(NotifyNetty.class.getModule().getName()))));
    NotifyNetty netty = NotifyNetty.builder().port(0).add(io).start();
    System.out.println("READY " + netty.port());
    System.out.flush();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
      while (in.readLine() != null) {
        // until the test closes our input
      }
    }
    netty.close();
    io.close();
  }
}
