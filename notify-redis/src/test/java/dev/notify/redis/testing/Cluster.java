package dev.notify.redis.testing;

import dev.notify.redis.RedisAdapterOptions;
import dev.notify.redis.RedisMode;
import java.util.ArrayList;
import java.util.List;

/** Several {@link TestNode}s on one Redis and one unique channel prefix; closes them all. */
public final class Cluster implements AutoCloseable {

  private final List<TestNode> nodes = new ArrayList<>();
  private final RedisAdapterOptions options;

  public Cluster(RedisAdapterOptions options) {
    this.options = options;
  }

  /**
   * Options for a test: the shared Redis, a unique key, this mode. Skips the test if the shared Redis cannot serve
   * the mode (sharded needs Redis 7+).
   */
  public static RedisAdapterOptions.Builder options(String test, RedisMode mode) {
    RedisExtension.assumeSupports(mode);
    return RedisAdapterOptions.builder().url(RedisExtension.url()).key(RedisExtension.uniqueKey(test)).mode(mode);
  }

  /** Starts {@code n} nodes and waits until each counts them all. */
  public static Cluster start(RedisAdapterOptions options, int n) {
    Cluster cluster = new Cluster(options);
    for (int i = 0; i < n; i++) {
      cluster.add();
    }
    for (TestNode node : cluster.nodes) {
      node.awaitServerCount(n);
    }
    return cluster;
  }

  public TestNode add() {
    TestNode node = TestNode.start(options);
    nodes.add(node);
    return node;
  }

  public TestNode node(int i) {
    return nodes.get(i);
  }

  public List<TestNode> nodes() {
    return nodes;
  }

  public RedisAdapterOptions options() {
    return options;
  }

  @Override
  public void close() {
    for (TestNode node : nodes) {
      node.close();
    }
  }
}
