package dev.notify.redis;

/** Which Redis pub/sub flavour and message schema the cluster speaks. Every node and emitter of one cluster must use the same. */
public enum RedisMode {

  /**
   * Classic pub/sub ({@code PUBLISH}, {@code PSUBSCRIBE}/{@code SUBSCRIBE}), as Node's
   * {@code @socket.io/redis-adapter} {@code createAdapter} and {@code @socket.io/redis-emitter}: broadcasts on
   * {@code <key>#<nsp>#} or {@code <key>#<nsp>#<room>#} (msgpack), requests and responses on
   * {@code <key>-request#<nsp>#} and {@code <key>-response#<nsp>#} (JSON, msgpack for broadcasts with acks).
   * Node count: {@code PUBSUB NUMSUB} of the request channel. Works on any Redis; on a Redis Cluster every
   * message reaches every node of the Redis cluster.
   */
  CLASSIC,

  /**
   * Sharded pub/sub ({@code SPUBLISH}/{@code SSUBSCRIBE}, Redis 7 or later), as Node's
   * {@code createShardedAdapter}: the cluster-adapter schema {@code {uid, nsp, type, data}} (JSON, msgpack when it
   * carries binary) on {@code <key>#<nsp>#}, responses on {@code <key>#<nsp>#<uid>#}, and one-room broadcasts on
   * {@code <key>#<nsp>#<room>#} depending on the {@link SubscriptionMode}. Node count: {@code PUBSUB SHARDNUMSUB}.
   * On a Redis Cluster each channel lives on one shard, so traffic scales with the shards.
   */
  SHARDED
}
