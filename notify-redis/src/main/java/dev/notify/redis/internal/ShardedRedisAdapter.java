package dev.notify.redis.internal;

import dev.notify.core.adapter.AdapterNamespace;
import dev.notify.core.adapter.cluster.ClusterMessage;
import dev.notify.core.internal.SerialQueue;
import dev.notify.redis.RedisAdapterOptions;
import dev.notify.redis.RedisMode;
import dev.notify.redis.SubscriptionMode;
import dev.notify.redis.internal.Subscriber.Kind;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The sharded-mode adapter: Node's {@code createShardedAdapter} (the cluster-adapter schema, {@link ShardedCodec})
 * over {@code SPUBLISH}/{@code SSUBSCRIBE} on {@code <key>#<nsp>#}, this node's response channel
 * {@code <key>#<nsp>#<uid>#}, and in {@link SubscriptionMode#DYNAMIC} the channel of each room with local members.
 */
public final class ShardedRedisAdapter extends RedisClusterAdapter {

  private final ShardedCodec codec;
  private final String channel;
  private final String responseChannel;
  private final boolean dynamic;
  /** Room channel subscriptions, changed in the order rooms come and go. */
  private final SerialQueue roomSubscriptions;
  /** Subscribed room channels, each with its confirmation by Redis. */
  private final Map<String, CompletableFuture<Void>> roomChannels = new ConcurrentHashMap<>();

  public ShardedRedisAdapter(AdapterNamespace namespace, RedisAdapterOptions options, RedisResources resources,
      Runnable release, AtomicLong droppedInbound) {
    super(namespace, Ids.hex16(), options, resources, release, droppedInbound);
    this.codec = new ShardedCodec(namespace.name());
    this.channel = Channels.main(options.key(), namespace.name());
    this.responseChannel = channel + uid + "#";
    this.dynamic = options.subscriptionMode() == SubscriptionMode.DYNAMIC;
    this.roomSubscriptions = new SerialQueue(namespace.executor(), Integer.MAX_VALUE, "room subscriptions");
  }

  @Override
  public RedisMode mode() {
    return RedisMode.SHARDED;
  }

  @Override
  protected CompletableFuture<Void> subscribe() {
    Subscriber sub = resources.subscriber();
    return CompletableFuture.allOf(sub.subscribe(Kind.SHARD, channel, this::onMessage),
        sub.subscribe(Kind.SHARD, responseChannel, this::onResponse));
  }

  @Override
  protected void unsubscribe() {
    Subscriber sub = resources.subscriber();
    sub.unsubscribe(Kind.SHARD, channel);
    sub.unsubscribe(Kind.SHARD, responseChannel);
    for (String room : roomChannels.keySet()) {
      sub.unsubscribe(Kind.SHARD, room);
    }
    roomChannels.clear();
  }

  @Override
  protected void onRoomCreated(String room) {
    if (dynamic && !Channels.looksLikeSocketId(room)) {
      String roomChannel = Channels.room(options.key(), namespace().name(), room);
      CompletableFuture<Void> confirmed = new CompletableFuture<>();
      if (roomChannels.putIfAbsent(roomChannel, confirmed) == null) {
        roomSubscriptions.submit(() -> resources.subscriber().subscribe(Kind.SHARD, roomChannel, this::onMessage)
            .whenComplete((v, e) -> confirmed.complete(null)));
      }
    }
  }

  @Override
  protected void onRoomDeleted(String room) {
    if (dynamic && !Channels.looksLikeSocketId(room)) {
      String roomChannel = Channels.room(options.key(), namespace().name(), room);
      if (roomChannels.remove(roomChannel) != null) {
        roomSubscriptions.submit(() -> resources.subscriber().unsubscribe(Kind.SHARD, roomChannel));
      }
    }
  }

  @Override
  public CompletableFuture<Void> roomReady(String room) {
    Objects.requireNonNull(room, "room");
    if (!dynamic || Channels.looksLikeSocketId(room)) {
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<Void> confirmed = roomChannels.get(Channels.room(options.key(), namespace().name(), room));
    return confirmed == null ? CompletableFuture.completedFuture(null) : confirmed.copy();
  }

  @Override
  protected boolean publish(ClusterMessage message) {
    return resources.publisher().publish(Channels.shardedTarget(options.key(), namespace().name(), dynamic,
        message), codec.encode(message), true);
  }

  @Override
  protected boolean publishResponse(String requesterUid, ClusterMessage response) {
    if (requesterUid == null) {
      return false;
    }
    return resources.publisher().publish(Channels.bytes(channel + requesterUid + "#"), codec.encode(response), true);
  }

  @Override
  protected String newRequestId() {
    return Ids.hex16();
  }

  @Override
  public CompletableFuture<Integer> serverCount() {
    return resources.publisher().sharedQuery("serverCount " + channel, c -> (int) c.numsub(channel, true));
  }

  private void onMessage(String channel, byte[] payload) {
    try {
      receive(codec.decode(payload));
    } catch (MalformedMessageException e) {
      malformed(channel, e);
    }
  }

  private void onResponse(String channel, byte[] payload) {
    onMessage(channel, payload);
  }

  @Override
  public String toString() {
    return "ShardedRedisAdapter{uid=" + uid + ", nsp=" + namespace().name() + '}';
  }
}
