package dev.notify.redis;

/** Root of the failures of the Redis adapter and emitter: a cluster request failed, Redis is unreachable... */
public class RedisAdapterException extends RuntimeException {

  public RedisAdapterException(String message) {
    super(message);
  }

  public RedisAdapterException(String message, Throwable cause) {
    super(message, cause);
  }
}
