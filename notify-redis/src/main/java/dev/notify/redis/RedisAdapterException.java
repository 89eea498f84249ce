package dev.notify.redis;

import dev.notify.core.server.NotifyException;

/** Root of the failures of the Redis adapter and emitter: a cluster request failed, Redis is unreachable... */
public class RedisAdapterException extends NotifyException {

  private static final long serialVersionUID = 1L;

  public RedisAdapterException(String message) {
    super(message);
  }

  public RedisAdapterException(String message, Throwable cause) {
    super(message, cause);
  }
}
