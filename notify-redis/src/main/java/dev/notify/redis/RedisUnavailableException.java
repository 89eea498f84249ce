package dev.notify.redis;

/**
 * A cluster request failed at once because Redis is unreachable or the outgoing queue is full. Requests never wait
 * for Redis to come back; retry later.
 */
public class RedisUnavailableException extends RedisAdapterException {

  public RedisUnavailableException(String message) {
    super(message);
  }
}
