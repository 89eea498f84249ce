package dev.notify.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notify.redis.testing.Cluster;
import dev.notify.redis.testing.RedisExtension;
import dev.notify.redis.testing.TestClient;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Protocol;

/** Garbage and foreign messages on our channels are skipped; the subscriber and the cluster keep working. */
@ExtendWith(RedisExtension.class)
class MalformedMessagesIT {

  @ParameterizedTest
  @EnumSource(RedisMode.class)
  void garbageOnEveryChannelIsSkippedAndLaterMessagesStillArrive(RedisMode mode) {
    RedisAdapterOptions options = Cluster.options("garbage", mode).build();
    try (Cluster cluster = Cluster.start(options, 2)) {
      TestClient client = cluster.node(1).client("room1");
      String key = options.key();
      String[] channels = mode == RedisMode.CLASSIC
          ? new String[] {key + "#/#", key + "#/#room1#", key + "-request#/#", key + "-response#/#"}
          : new String[] {key + "#/#", key + "#/#room1#", key + "#/#" + cluster.node(1).adapter().uid() + "#"};
      String[] garbage = {"", "{", "\u0091\u00c1", "{\"type\":42}", "[1,2,3]", "{\"type\":3,\"nsp\":\"/\"}",
          "{\"uid\":\"x\",\"type\":5,\"requestId\":\"r\",\"opts\":{\"rooms\":7}}"};
      URI uri = URI.create(RedisExtension.url());
      try (Connection redis = new Connection(new HostAndPort(uri.getHost(), uri.getPort()))) {
        for (String channel : channels) {
          for (String g : garbage) {
            redis.sendCommand(mode == RedisMode.CLASSIC ? Protocol.Command.PUBLISH : Protocol.Command.SPUBLISH,
                channel.getBytes(StandardCharsets.UTF_8), g.getBytes(StandardCharsets.ISO_8859_1));
            redis.getIntegerReply();
          }
        }
      }

      cluster.node(0).io().to("room1").emit("still-working");

      client.await("still-working", 1);
      assertThat(cluster.node(1).factory().redisAvailable()).isTrue();
    }
  }
}
