package dev.notify.core.adapter;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * Which sockets a broadcast targets and how: the rooms (none = every socket of the namespace), the rooms to
 * leave out, and the flags. Immutable.
 *
 * @param rooms target rooms; empty targets all sockets
 * @param except rooms whose sockets are left out
 * @param volatileFlag drop the packet for clients whose transport is busy
 * @param compress the client asked for compression (kept for the wire format; containers decide)
 * @param local stay on this node, even in a cluster
 * @param timeout the ack timeout of a broadcast with acks, or {@code null}
 */
public record BroadcastOptions(Set<String> rooms, Set<String> except, boolean volatileFlag, boolean compress,
    boolean local, Duration timeout) {

  /** Every socket of the namespace, no flags. */
  public static final BroadcastOptions ALL = new BroadcastOptions(Set.of(), Set.of(), false, false, false, null);

  public BroadcastOptions {
    rooms = Set.copyOf(Objects.requireNonNull(rooms, "rooms"));
    except = Set.copyOf(Objects.requireNonNull(except, "except"));
  }
}
