package dev.notify.redis;

import java.time.Duration;
import java.util.List;

/**
 * A cluster request (fetchSockets, serverSideEmit with acks, allRooms) did not get an answer from every node it
 * expected within the requests timeout. It says which request, and how many nodes answered out of how many.
 */
public class RedisRequestTimeoutException extends RedisAdapterException {

  private final String requestType;
  private final String requestId;
  private final int answered;
  private final int expected;
  private final transient List<?> partial;

  public RedisRequestTimeoutException(String requestType, String requestId, int answered, int expected,
      Duration timeout, List<?> partial) {
    super(requestType + " request " + requestId + " timed out after " + timeout.toMillis() + " ms: " + answered
        + " of " + expected + " other nodes answered");
    this.requestType = requestType;
    this.requestId = requestId;
    this.answered = answered;
    this.expected = expected;
    this.partial = List.copyOf(partial);
  }

  /** The request type, such as {@code fetchSockets}. */
  public String requestType() {
    return requestType;
  }

  public String requestId() {
    return requestId;
  }

  /** How many other nodes answered in time. */
  public int answered() {
    return answered;
  }

  /** How many other nodes were expected to answer (live subscribers minus this node). */
  public int expected() {
    return expected;
  }

  /** What came in time: socket details, answers, or rooms, depending on the request. */
  public List<?> partial() {
    return partial;
  }
}
