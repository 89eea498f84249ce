package dev.notify.core.adapter;

import com.fasterxml.jackson.databind.JsonNode;
import dev.notify.core.metrics.NotifyMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.IntConsumer;

/**
 * The adapter of a single node: room membership in memory, broadcasts to local sockets only. Cluster adapters
 * extend it and add the traffic with the other nodes.
 *
 * <p>Lookups are by room, never by scanning sockets, so a broadcast to one room costs the size of that room
 * whatever the number of connections. A socket's private id room is implicit (found through the namespace), and
 * a room or socket with a single entry stores it without a set, which keeps the common case (one user room per
 * socket) small.
 *
 * <p>Thread-safe: one read-write lock per namespace, never held while a packet is delivered.
 */
public class InMemoryAdapter implements Adapter {

  private final AdapterNamespace namespace;
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  /** room name to a LocalSocket, or a Set of them. */
  private final Map<String, Object> rooms = new HashMap<>();
  /** socket to the name of its one room, or a Set of names; its id room left out. */
  private final Map<LocalSocket, Object> memberships = new IdentityHashMap<>();

  public InMemoryAdapter(AdapterNamespace namespace) {
    this.namespace = namespace;
  }

  /** The default factory: one in-memory adapter per namespace. */
  public static AdapterFactory factory() {
    return InMemoryAdapter::new;
  }

  /** The namespace this adapter serves. */
  protected final AdapterNamespace namespace() {
    return namespace;
  }

  @Override
  public void addAll(LocalSocket socket, Collection<String> names) {
    List<String> joined = new ArrayList<>(names.size());
    lock.writeLock().lock();
    try {
      for (String room : names) {
        if (room.equals(socket.id())) {
          continue;
        }
        Object membership = memberships.get(socket);
        if (!slotContains(membership, room)) {
          joined.add(room);
        }
        Object slot = rooms.get(room);
        rooms.put(room, slotAdd(slot, socket));
        memberships.put(socket, slotAdd(membership, room));
        if (slot == null) {
          onRoomCreated(room);
        }
      }
    } finally {
      lock.writeLock().unlock();
    }
    // outside the lock: the namespace runs listeners
    joined.forEach(room -> namespace.roomJoined(room, socket.id()));
  }

  @Override
  public void del(LocalSocket socket, String room) {
    boolean left;
    lock.writeLock().lock();
    try {
      removeMember(room, socket);
      Object before = memberships.get(socket);
      left = slotContains(before, room);
      Object slot = slotRemove(before, room);
      if (slot == null) {
        memberships.remove(socket);
      } else {
        memberships.put(socket, slot);
      }
    } finally {
      lock.writeLock().unlock();
    }
    if (left) {
      namespace.roomLeft(room, socket.id());
    }
  }

  @Override
  public void delAll(LocalSocket socket) {
    Collection<String> left;
    lock.writeLock().lock();
    try {
      Object slot = memberships.remove(socket);
      left = this.<String>slotElements(slot);
      for (String room : left) {
        removeMember(room, socket);
      }
    } finally {
      lock.writeLock().unlock();
    }
    left.forEach(room -> namespace.roomLeft(room, socket.id()));
  }

  private void removeMember(String room, LocalSocket socket) {
    Object before = rooms.get(room);
    Object slot = slotRemove(before, socket);
    if (slot == null) {
      if (rooms.remove(room) != null) {
        onRoomDeleted(room);
      }
    } else {
      rooms.put(room, slot);
    }
  }

  @Override
  public Set<String> socketRooms(LocalSocket socket) {
    Set<String> result = new LinkedHashSet<>();
    result.add(socket.id());
    lock.readLock().lock();
    try {
      result.addAll(this.<String>slotElements(memberships.get(socket)));
    } finally {
      lock.readLock().unlock();
    }
    return Collections.unmodifiableSet(result);
  }

  @Override
  public Set<String> rooms() {
    lock.readLock().lock();
    try {
      return Set.copyOf(rooms.keySet());
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public Set<String> sockets(BroadcastOptions opts) {
    Set<String> ids = new LinkedHashSet<>();
    for (LocalSocket socket : localTargets(opts)) {
      ids.add(socket.id());
    }
    return ids;
  }

  @Override
  public void broadcast(BroadcastPacket packet, BroadcastOptions opts) {
    List<LocalSocket> targets = localTargets(opts);
    if (targets.isEmpty()) {
      return;
    }
    EncodedPacket encoded = namespace.encode(packet);
    int sent = 0;
    for (LocalSocket socket : targets) {
      if (socket.deliver(encoded, opts.volatileFlag())) {
        sent++;
      }
    }
    // once per broadcast, not per target: a metrics call per delivery cost a tenth of a fan-out's Java CPU
    NotifyMetrics metrics = namespace.metrics();
    metrics.eventsSent(namespace.metricsName(), sent);
    metrics.broadcast(targets.size());
  }

  @Override
  public void broadcastWithAck(BroadcastPacket packet, BroadcastOptions opts, IntConsumer clientCount,
      AckListener ack) {
    List<LocalSocket> targets = localTargets(opts);
    if (!targets.isEmpty()) {
      long ackId = namespace.nextAckId();
      EncodedPacket encoded = namespace.encode(packet, ackId);
      for (LocalSocket socket : targets) {
        socket.deliverWithAck(encoded, ackId, ack);
      }
      namespace.metrics().broadcast(targets.size());
    }
    clientCount.accept(targets.size());
  }

  @Override
  public CompletableFuture<List<SocketDetails>> fetchSockets(BroadcastOptions opts) {
    return CompletableFuture.completedFuture(localDetails(opts));
  }

  /** The details of the matching local sockets. */
  protected final List<SocketDetails> localDetails(BroadcastOptions opts) {
    List<LocalSocket> targets = localTargets(opts);
    List<SocketDetails> details = new ArrayList<>(targets.size());
    for (LocalSocket socket : targets) {
      details.add(socket.details());
    }
    return details;
  }

  @Override
  public void addSockets(BroadcastOptions opts, Collection<String> names) {
    for (LocalSocket socket : localTargets(opts)) {
      addAll(socket, names);
    }
  }

  @Override
  public void delSockets(BroadcastOptions opts, Collection<String> names) {
    for (LocalSocket socket : localTargets(opts)) {
      for (String room : names) {
        del(socket, room);
      }
    }
  }

  @Override
  public void disconnectSockets(BroadcastOptions opts, boolean close) {
    for (LocalSocket socket : localTargets(opts)) {
      socket.disconnect(close);
    }
  }

  @Override
  public CompletableFuture<List<JsonNode>> serverSideEmit(Object[] args, boolean withAck, Duration timeout) {
    return CompletableFuture.completedFuture(List.of());
  }

  /**
   * A room got its first local member (private id rooms excepted). Called under the adapter's write lock, in the
   * order rooms are created and deleted: only hand the name off (a cluster adapter subscribes to the room's
   * channel), never block or call back into the adapter. Does nothing by default.
   */
  protected void onRoomCreated(String room) {
  }

  /** A room lost its last local member; same rules as {@link #onRoomCreated}. Does nothing by default. */
  protected void onRoomDeleted(String room) {
  }

  /** The local sockets a broadcast with these options reaches, each once. */
  protected final List<LocalSocket> localTargets(BroadcastOptions opts) {
    // Collections.emptySet() answers contains() without probing: no cost per target when nothing is excluded
    Set<LocalSocket> excluded = opts.except().isEmpty() ? Collections.emptySet() : members(opts.except());
    if (opts.rooms().isEmpty()) {
      List<LocalSocket> all = new ArrayList<>();
      for (LocalSocket socket : namespace.sockets()) {
        if (!excluded.contains(socket)) {
          all.add(socket);
        }
      }
      return all;
    }
    if (opts.rooms().size() == 1) {
      String room = opts.rooms().iterator().next();
      List<LocalSocket> targets;
      lock.readLock().lock();
      try {
        Object slot = rooms.get(room);
        targets = new ArrayList<>(slotSize(slot) + 1);
        for (LocalSocket socket : this.<LocalSocket>slotElements(slot)) {
          if (!excluded.contains(socket)) {
            targets.add(socket);
          }
        }
      } finally {
        lock.readLock().unlock();
      }
      LocalSocket owner = namespace.socket(room);
      if (owner != null && !excluded.contains(owner) && !targets.contains(owner)) {
        targets.add(owner);
      }
      return targets;
    }
    Set<LocalSocket> targets = members(opts.rooms());
    targets.removeAll(excluded);
    return new ArrayList<>(targets);
  }

  /**
   * Whether a broadcast with these options reaches at most {@code limit} local sockets, judged from the sizes of its
   * rooms (an upper bound: exclusions and overlaps are not subtracted) without listing them.
   */
  protected final boolean reachesAtMost(BroadcastOptions opts, int limit) {
    if (opts.rooms().isEmpty()) {
      return namespace.sockets().size() <= limit;
    }
    int bound = opts.rooms().size(); // each name may also be a socket's private room
    lock.readLock().lock();
    try {
      for (String room : opts.rooms()) {
        bound += slotSize(rooms.get(room));
        if (bound > limit) {
          return false;
        }
      }
    } finally {
      lock.readLock().unlock();
    }
    return true;
  }

  /** The local sockets in any of these rooms, private id rooms included. */
  private Set<LocalSocket> members(Set<String> names) {
    Set<LocalSocket> result = Collections.newSetFromMap(new IdentityHashMap<>());
    lock.readLock().lock();
    try {
      for (String room : names) {
        result.addAll(this.<LocalSocket>slotElements(rooms.get(room)));
      }
    } finally {
      lock.readLock().unlock();
    }
    for (String room : names) {
      LocalSocket owner = namespace.socket(room);
      if (owner != null) {
        result.add(owner);
      }
    }
    return result;
  }

  // A slot holds nothing (null), one element, or a HashSet of two or more.

  private static boolean slotContains(Object slot, Object element) {
    return slot instanceof HashSet<?> set ? set.contains(element) : element.equals(slot);
  }

  private static Object slotAdd(Object slot, Object element) {
    if (slot == null) {
      return element;
    }
    if (slot instanceof HashSet<?> set) {
      @SuppressWarnings("unchecked")
      HashSet<Object> s = (HashSet<Object>) set;
      s.add(element);
      return s;
    }
    if (slot.equals(element)) {
      return slot;
    }
    HashSet<Object> set = new HashSet<>(4);
    set.add(slot);
    set.add(element);
    return set;
  }

  private static Object slotRemove(Object slot, Object element) {
    if (slot instanceof HashSet<?> set) {
      set.remove(element);
      return set.size() == 1 ? set.iterator().next() : set.isEmpty() ? null : set;
    }
    return slot != null && slot.equals(element) ? null : slot;
  }

  @SuppressWarnings("unchecked")
  private <T> Collection<T> slotElements(Object slot) {
    if (slot == null) {
      return List.of();
    }
    if (slot instanceof HashSet<?> set) {
      return (Collection<T>) set;
    }
    return List.of((T) slot);
  }

  private static int slotSize(Object slot) {
    return slot == null ? 0 : slot instanceof HashSet<?> set ? set.size() : 1;
  }
}
