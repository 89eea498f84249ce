package dev.notify.core.internal;

import dev.notify.core.internal.protocol.SocketPacketDecoder;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The argument checks every emitter makes, server or socket-less: event names that are not reserved, and rooms
 * that are not null. Not API: shared by notify's own modules.
 */
public final class Targets {

  private Targets() {
  }

  /** @throws IllegalArgumentException for a reserved event name ({@code connect}, {@code disconnect}...) */
  public static void checkEvent(String event) {
    Objects.requireNonNull(event, "event");
    if (SocketPacketDecoder.RESERVED_EVENTS.contains(event)) {
      throw new IllegalArgumentException("'" + event + "' is a reserved event name; reserved: "
          + SocketPacketDecoder.RESERVED_EVENTS);
    }
  }

  /** @throws NullPointerException for a null collection or a null room */
  public static void checkRooms(Collection<String> rooms) {
    Objects.requireNonNull(rooms, "rooms");
    for (String room : rooms) {
      Objects.requireNonNull(room, "room");
    }
  }

  /** The rooms as an immutable list, checked. */
  public static List<String> rooms(String[] rooms) {
    List<String> list = Arrays.asList(Objects.requireNonNull(rooms, "rooms"));
    checkRooms(list);
    return List.copyOf(list);
  }

  /** {@code set} and {@code more}, in order, as an immutable set. */
  public static Set<String> union(Set<String> set, String[] more) {
    Objects.requireNonNull(more, "rooms");
    Set<String> result = new LinkedHashSet<>(set);
    for (String room : more) {
      result.add(Objects.requireNonNull(room, "room"));
    }
    return Set.copyOf(result);
  }
}
