package dev.notify.redis.internal;

import dev.notify.core.adapter.AdapterNamespace;
import dev.notify.core.adapter.cluster.ClusterMessage.AllRooms;
import dev.notify.core.adapter.cluster.ClusterMessage.Broadcast;
import dev.notify.core.adapter.cluster.ClusterMessage;
import dev.notify.redis.RedisAdapterOptions;
import dev.notify.redis.RedisMode;
import dev.notify.redis.internal.Subscriber.Kind;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The classic-mode adapter: Node's {@code createAdapter} wire format ({@link ClassicCodec}) over {@code PUBLISH},
 * {@code PSUBSCRIBE <key>#<nsp>#*} and {@code SUBSCRIBE} of the request, response and this node's response
 * channels.
 */
public final class ClassicRedisAdapter extends RedisClusterAdapter {

  private final ClassicCodec codec;
  private final String channel;
  private final String requestChannel;
  private final String responseChannel;
  private final String ownResponseChannel;
  private final byte[] responseChannelBytes;
  private final byte[] ownBroadcastPrefix;

  public ClassicRedisAdapter(AdapterNamespace namespace, RedisAdapterOptions options, RedisResources resources,
      Runnable release, AtomicLong droppedInbound) {
    super(namespace, Ids.base64(6), options, resources, release, droppedInbound);
    String nsp = namespace.name();
    this.codec = new ClassicCodec(nsp);
    this.channel = Channels.main(options.key(), nsp);
    this.requestChannel = Channels.request(options.key(), nsp);
    this.responseChannel = Channels.response(options.key(), nsp);
    this.ownResponseChannel = responseChannel + uid + "#";
    this.responseChannelBytes = Channels.bytes(responseChannel);
    this.ownBroadcastPrefix = ClassicCodec.broadcastPrefix(uid);
  }

  @Override
  public RedisMode mode() {
    return RedisMode.CLASSIC;
  }

  @Override
  protected CompletableFuture<Void> subscribe() {
    Subscriber sub = resources.subscriber();
    return CompletableFuture.allOf(
        sub.subscribe(Kind.PATTERN, Channels.prefixPattern(channel), this::onBroadcastMessage),
        sub.subscribe(Kind.CHANNEL, requestChannel, this::onRequestMessage),
        sub.subscribe(Kind.CHANNEL, responseChannel, this::onResponseMessage),
        sub.subscribe(Kind.CHANNEL, ownResponseChannel, this::onResponseMessage));
  }

  @Override
  protected void unsubscribe() {
    Subscriber sub = resources.subscriber();
    sub.unsubscribe(Kind.PATTERN, Channels.prefixPattern(channel));
    sub.unsubscribe(Kind.CHANNEL, requestChannel);
    sub.unsubscribe(Kind.CHANNEL, responseChannel);
    sub.unsubscribe(Kind.CHANNEL, ownResponseChannel);
  }

  @Override
  protected boolean publish(ClusterMessage message) {
    byte[] payload = message instanceof Broadcast b && b.requestId() == null
        ? codec.encodeBroadcast(uid, b.data(), b.opts()) : codec.encodeRequest(message);
    return resources.publisher().publish(Channels.classicTarget(options.key(), namespace().name(), message), payload,
        false);
  }

  @Override
  protected boolean publishResponse(String requesterUid, ClusterMessage response) {
    byte[] target = options.publishOnSpecificResponseChannel() && requesterUid != null
        ? Channels.bytes(responseChannel + requesterUid + "#") : responseChannelBytes;
    return resources.publisher().publish(target, codec.encodeResponse(response), false);
  }

  @Override
  protected String newRequestId() {
    return Ids.base64(6);
  }

  @Override
  public CompletableFuture<Integer> serverCount() {
    return resources.publisher().sharedQuery("serverCount " + requestChannel,
        c -> (int) c.numsub(requestChannel, false));
  }

  @Override
  public CompletableFuture<Set<String>> allRooms() {
    return request("allRooms", AllRooms.class, id -> new AllRooms(uid, id), roomsWithSocketIds(), parts -> {
      Set<String> all = new LinkedHashSet<>();
      for (Object part : parts) {
        @SuppressWarnings("unchecked")
        Set<String> rooms = (Set<String>) part;
        all.addAll(rooms);
      }
      return all;
    });
  }

  private void onBroadcastMessage(String channel, byte[] payload) {
    if (ClassicCodec.startsWith(payload, ownBroadcastPrefix)) {
      return; // our own, already applied here: not worth decoding
    }
    try {
      receive(codec.decodeBroadcast(payload));
    } catch (MalformedMessageException e) {
      malformed(channel, e);
    }
  }

  private void onRequestMessage(String channel, byte[] payload) {
    try {
      receive(codec.decodeRequest(payload));
    } catch (MalformedMessageException e) {
      malformed(channel, e);
    }
  }

  private void onResponseMessage(String channel, byte[] payload) {
    try {
      receive(codec.decodeResponse(payload, this::pendingKind));
    } catch (MalformedMessageException e) {
      malformed(channel, e);
    }
  }

  @Override
  public String toString() {
    return "ClassicRedisAdapter{uid=" + uid + ", nsp=" + namespace().name() + '}';
  }

  static List<String> channels(String key, String nsp) {
    return List.of(Channels.main(key, nsp), Channels.request(key, nsp), Channels.response(key, nsp));
  }
}
