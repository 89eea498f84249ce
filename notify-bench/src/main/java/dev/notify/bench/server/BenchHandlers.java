package dev.notify.bench.server;

import dev.notify.core.server.NotifyServer;
import java.util.Map;

/**
 * The application every server under test runs, the same as {@code node/server.js} does on socket.io:
 * <ul>
 *   <li>a client whose handshake query has {@code room=NAME} joins room NAME;</li>
 *   <li>{@code fan(payload)} broadcasts {@code m(payload)} to the room named by the query {@code to} of the
 *       emitter's handshake ({@code fan} by default): the fan-out scenario;</li>
 *   <li>{@code echo(payload, ack)} acknowledges with the payload: the echo scenario.</li>
 *   <li>{@code join(room, ack)} joins the room and acknowledges with {@code "ok"}, {@code cast(room, payload)}
 *       broadcasts {@code m(payload)} to the room: the soak.</li>
 * </ul>
 */
public final class BenchHandlers {

  private BenchHandlers() {
  }

  public static void install(NotifyServer io) {
    io.onConnection(socket -> {
      Map<String, String> query = socket.handshake().query();
      String room = query.get("room");
      if (room != null) {
        socket.join(room);
      }
      String target = query.getOrDefault("to", "fan");
      socket.on("fan", (args, ack) -> io.to(target).emit("m", args.get(0)));
      socket.on("echo", (args, ack) -> ack.send(args.get(0)));
      socket.on("join", (args, ack) -> {
        socket.join(args.getString(0));
        ack.send("ok");
      });
      socket.on("cast", (args, ack) -> io.to(args.getString(0)).emit("m", args.get(1)));
    });
  }
}
