package dev.notify.cdi;

import dev.notify.core.adapter.AdapterFactory;
import dev.notify.redis.RedisAdapter;
import dev.notify.redis.RedisAdapterOptions;
import java.util.Optional;

/**
 * The Redis adapter of {@code notify.redis.*}: the only class that links against notify-redis, an optional jar, so
 * it is loaded only once {@link ServerConfig} has found that jar.
 */
final class RedisSupport {

  private RedisSupport() {
  }

  static AdapterFactory adapter(String url, Optional<String> key) {
    RedisAdapterOptions.Builder options = RedisAdapterOptions.builder();
    ServerConfig.set(ServerConfig.REDIS_URL, "url", url, options::url);
    key.ifPresent(k -> ServerConfig.set(ServerConfig.REDIS_KEY, "key", k, options::key));
    // one factory per server: it owns the Redis connections, which the server closes with its adapters
    return RedisAdapter.factory(options.build());
  }
}
