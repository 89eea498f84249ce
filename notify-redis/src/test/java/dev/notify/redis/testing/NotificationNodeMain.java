package dev.notify.redis.testing;

import java.io.IOException;
import java.time.Duration;

/**
 * A {@link NotificationNode} in a JVM of its own, for tests that kill a node abruptly ({@link NodeJvm}). Arguments:
 * Redis URL, adapter key, store prefix, ack timeout ms, retry delay ms. Prints {@code READY <port>} once it serves,
 * then runs until its standard input closes (its parent test ended) or it is killed.
 */
public final class NotificationNodeMain {

  private NotificationNodeMain() {
  }

  public static void main(String[] args) throws IOException {
    NotificationNode node = NotificationNode.start(args[0], args[1], args[2], b -> b
        .ackTimeout(Duration.ofMillis(Long.parseLong(args[3])))
        .retryDelay(Duration.ofMillis(Long.parseLong(args[4]))));
    System.out.println("READY " + node.port());
    System.out.flush();
    while (System.in.read() >= 0) {
      // runs until the parent closes our stdin or kills us
    }
    node.close();
    System.exit(0);
  }
}
