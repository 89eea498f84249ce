package dev.notify.core.adapter;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.notify.core.adapter.RecordingSocket.AckDelivery;
import dev.notify.core.adapter.RecordingSocket.Delivery;
import dev.notify.core.internal.protocol.Frame;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Room membership and broadcasts of the single-node adapter, seen through hand-written namespace and sockets. */
class InMemoryAdapterTest {

  private final FakeNamespace namespace = FakeNamespace.withInMemoryAdapter("/");
  private final Adapter adapter = namespace.adapter;
  private final RecordingSocket a = namespace.connect("A");
  private final RecordingSocket b = namespace.connect("B");
  private final RecordingSocket c = namespace.connect("C");

  // ---- membership ----

  @Test
  void joinedRoomsAreListedWithTheSocketsOwnIdRoomFirst() {
    adapter.addAll(a, List.of("room1", "room2"));

    assertThat(adapter.socketRooms(a)).containsExactly("A", "room1", "room2");
    assertThat(adapter.socketRooms(b)).containsExactly("B");
    assertThat(adapter.rooms()).containsExactlyInAnyOrder("room1", "room2");
  }

  @Test
  void roomsLeaveOutThePrivateIdRooms() {
    adapter.addAll(a, List.of("room1"));
    adapter.addAll(b, List.of("B")); // joining its own id room changes nothing

    assertThat(adapter.rooms()).containsExactly("room1");
    assertThat(adapter.socketRooms(b)).containsExactly("B");
  }

  @Test
  void joiningARoomTwiceKeepsOneMembership() {
    adapter.addAll(a, List.of("room1"));
    adapter.addAll(a, List.of("room1", "room1"));
    adapter.del(a, "room1");

    assertThat(adapter.socketRooms(a)).containsExactly("A");
    assertThat(adapter.rooms()).isEmpty();
  }

  @Test
  void leaveRemovesOneRoomAndKeepsTheOthers() {
    adapter.addAll(a, List.of("room1", "room2", "room3"));
    adapter.addAll(b, List.of("room1"));

    adapter.del(a, "room1");
    adapter.del(a, "room2");

    assertThat(adapter.socketRooms(a)).containsExactly("A", "room3");
    assertThat(adapter.rooms()).containsExactlyInAnyOrder("room1", "room3");
    assertThat(adapter.sockets(to("room1"))).containsExactly("B");
  }

  @Test
  void anEmptiedRoomDisappears() {
    adapter.addAll(a, List.of("room1"));
    adapter.addAll(b, List.of("room1"));

    adapter.del(a, "room1");
    assertThat(adapter.rooms()).containsExactly("room1");
    adapter.del(b, "room1");

    assertThat(adapter.rooms()).isEmpty();
    assertThat(adapter.sockets(to("room1"))).isEmpty();
  }

  @Test
  void leavingARoomTheSocketIsNotInChangesNothing() {
    adapter.addAll(a, List.of("room1"));

    adapter.del(b, "room1");
    adapter.del(a, "elsewhere");

    assertThat(adapter.sockets(to("room1"))).containsExactly("A");
    assertThat(adapter.socketRooms(a)).containsExactly("A", "room1");
  }

  @Test
  void delAllRemovesTheSocketFromEveryRoom() {
    adapter.addAll(a, List.of("room1", "room2"));
    adapter.addAll(b, List.of("room2"));

    adapter.delAll(a);

    assertThat(adapter.socketRooms(a)).containsExactly("A");
    assertThat(adapter.rooms()).containsExactly("room2");
    assertThat(adapter.sockets(to("room1", "room2"))).containsExactly("B");
  }

  @Test
  void membershipStaysConsistentUnderConcurrentJoinsAndLeaves() throws Exception {
    List<RecordingSocket> sockets = IntStream.range(0, 40).mapToObj(i -> namespace.connect("s" + i)).toList();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        List<RecordingSocket> mine = sockets.subList(t * 10, t * 10 + 10);
        futures.add(pool.submit(() -> {
          start.await();
          for (int round = 0; round < 200; round++) {
            for (RecordingSocket socket : mine) {
              adapter.addAll(socket, List.of("shared", "r" + round % 3));
              adapter.del(socket, "r" + round % 3);
            }
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> future : futures) {
        future.get(10, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(adapter.rooms()).containsExactly("shared");
    assertThat(adapter.sockets(to("shared"))).hasSize(40);
    for (RecordingSocket socket : sockets) {
      assertThat(adapter.socketRooms(socket)).containsExactly(socket.id(), "shared");
    }
  }

  // ---- targets ----

  @Test
  void aRoomBroadcastReachesTheMembersOnly() {
    adapter.addAll(a, List.of("room1"));
    adapter.addAll(b, List.of("room1"));
    adapter.addAll(c, List.of("room2"));

    adapter.broadcast(packet("hello"), to("room1"));

    assertThat(a.texts()).containsExactly("42[\"hello\"]");
    assertThat(b.texts()).containsExactly("42[\"hello\"]");
    assertThat(c.received()).isZero();
  }

  @Test
  void aBroadcastReportsItsDeliveriesOnceCountingTheSocketsThatTookIt() {
    adapter.addAll(a, List.of("room1"));
    adapter.addAll(b, List.of("room1"));
    adapter.addAll(c, List.of("room1"));
    c.connected = false;

    adapter.broadcast(packet("hello"), to("room1"));

    assertThat(namespace.reported).containsExactly("eventsSent / 2", "broadcast 3");
  }

  @Test
  void aBroadcastToSeveralRoomsDeliversOncePerSocket() {
    adapter.addAll(a, List.of("room1", "room2", "room3"));
    adapter.addAll(b, List.of("room2"));

    adapter.broadcast(packet("hello"), to("room1", "room2", "room3", "A"));

    assertThat(a.deliveries).hasSize(1);
    assertThat(b.deliveries).hasSize(1);
    assertThat(c.deliveries).isEmpty();
  }

  @Test
  void exceptLeavesOutTheSocketsOfTheExceptedRooms() {
    adapter.addAll(a, List.of("room1", "muted"));
    adapter.addAll(b, List.of("room1"));
    adapter.addAll(c, List.of("room1", "muted"));

    adapter.broadcast(packet("hello"), options(Set.of("room1"), Set.of("muted")));

    assertThat(b.deliveries).hasSize(1);
    assertThat(a.deliveries).isEmpty();
    assertThat(c.deliveries).isEmpty();
  }

  @Test
  void exceptASocketIdLeavesOutThatSocket() {
    adapter.addAll(a, List.of("room1"));
    adapter.addAll(b, List.of("room1"));

    adapter.broadcast(packet("to-room"), options(Set.of("room1"), Set.of("A")));
    adapter.broadcast(packet("to-all"), options(Set.of(), Set.of("B", "C")));
    adapter.broadcast(packet("to-two-rooms"), options(Set.of("room1", "C"), Set.of("B")));

    assertThat(a.texts()).containsExactly("42[\"to-all\"]", "42[\"to-two-rooms\"]");
    assertThat(b.texts()).containsExactly("42[\"to-room\"]");
    assertThat(c.texts()).containsExactly("42[\"to-two-rooms\"]");
  }

  @Test
  void aSocketIdReachesThatSocketThroughItsPrivateRoom() {
    adapter.broadcast(packet("direct"), to("B"));

    assertThat(b.texts()).containsExactly("42[\"direct\"]");
    assertThat(a.received() + c.received()).isZero();
    assertThat(adapter.sockets(to("B"))).containsExactly("B");
    assertThat(adapter.rooms()).as("private rooms are not listed").isEmpty();
  }

  @Test
  void aSocketIdAndARoomTheSocketIsInReachItOnce() {
    adapter.addAll(b, List.of("room1"));

    adapter.broadcast(packet("once"), to("room1", "B"));
    adapter.broadcast(packet("alone"), to("B"));

    assertThat(b.texts()).containsExactly("42[\"once\"]", "42[\"alone\"]");
  }

  @Test
  void theIdOfASocketThatLeftTheNamespaceReachesNobody() {
    namespace.remove(c);

    adapter.broadcast(packet("gone"), to("C"));

    assertThat(c.received()).isZero();
    assertThat(adapter.sockets(to("C"))).isEmpty();
  }

  @Test
  void aRoomNamedAfterAnotherSocketsIdReachesBothTheOwnerAndTheMembers() {
    adapter.addAll(a, List.of("B"));

    adapter.broadcast(packet("hi"), to("B"));

    assertThat(a.deliveries).hasSize(1);
    assertThat(b.deliveries).hasSize(1);
    assertThat(adapter.socketRooms(a)).containsExactly("A", "B");
  }

  @Test
  void aBroadcastWithoutRoomsReachesEverySocket() {
    adapter.addAll(a, List.of("room1"));

    adapter.broadcast(packet("all"), BroadcastOptions.ALL);

    assertThat(Stream.of(a, b, c)).allSatisfy(s -> assertThat(s.texts()).containsExactly("42[\"all\"]"));
  }

  @Test
  void aBroadcastToAnUnknownRoomReachesNobody() {
    adapter.broadcast(packet("void"), to("nobody-here"));

    assertThat(a.received() + b.received() + c.received()).isZero();
  }

  @Test
  void aBroadcastEncodesOnceAndDeliversTheSameFrameInstancesToEveryTarget() {
    adapter.addAll(a, List.of("room1"));
    adapter.addAll(b, List.of("room1"));
    adapter.addAll(c, List.of("room1"));

    adapter.broadcast(packet("file", "name", new byte[] {1, 2, 3}), to("room1"));

    List<Frame> first = a.deliveries.get(0).frames();
    assertThat(first).hasSize(2);
    assertThat(first.get(0).text()).isEqualTo("451-[\"file\",\"name\",{\"_placeholder\":true,\"num\":0}]");
    for (RecordingSocket socket : List.of(b, c)) {
      List<Frame> frames = socket.deliveries.get(0).frames();
      assertThat(frames).isSameAs(first);
      for (int i = 0; i < frames.size(); i++) {
        assertThat(frames.get(i)).isSameAs(first.get(i));
      }
    }
  }

  @Test
  void theVolatileFlagIsPassedToEachDelivery() {
    adapter.addAll(a, List.of("room1"));
    adapter.addAll(b, List.of("room1"));

    adapter.broadcast(packet("v"), new BroadcastOptions(Set.of("room1"), Set.of(), true, false, false, null));
    adapter.broadcast(packet("n"), to("room1"));

    assertThat(a.deliveries).extracting(Delivery::volatileFrames).containsExactly(true, false);
    assertThat(b.deliveries).extracting(Delivery::volatileFrames).containsExactly(true, false);
  }

  @Test
  void aOneRoomBroadcastAmongTenThousandSocketsTouchesOnlyTheRoom() {
    FakeNamespace big = FakeNamespace.withInMemoryAdapter("/big");
    List<RecordingSocket> sockets = IntStream.range(0, 10_000).mapToObj(i -> big.connect("s" + i)).toList();
    for (int i = 0; i < sockets.size(); i++) {
      big.adapter.addAll(sockets.get(i), List.of("user:" + i));
    }
    List<RecordingSocket> members = List.of(sockets.get(17), sockets.get(4242), sockets.get(9999));
    for (RecordingSocket member : members) {
      big.adapter.addAll(member, List.of("room"));
    }
    int scansBefore = big.fullScans();

    big.adapter.broadcast(packet("news"), to("room"));

    assertThat(big.fullScans()).as("no scan of every socket").isEqualTo(scansBefore);
    assertThat(sockets.stream().mapToInt(RecordingSocket::received).sum()).isEqualTo(3);
    assertThat(members).allSatisfy(m -> assertThat(m.deliveries).hasSize(1));
  }

  // ---- broadcast with acks ----

  @Test
  void broadcastWithAckCountsTheClientsAndRegistersOneAckIdOnEachSocket() {
    adapter.addAll(a, List.of("room1"));
    adapter.addAll(b, List.of("room1"));
    List<Integer> counts = new ArrayList<>();
    List<JsonNode> acks = new ArrayList<>();
    AckListener listener = acks::add;

    adapter.broadcastWithAck(packet("confirm", 1), to("room1"), counts::add, listener);

    assertThat(counts).containsExactly(2);
    AckDelivery toA = a.ackDeliveries.get(0);
    AckDelivery toB = b.ackDeliveries.get(0);
    assertThat(toA.ackId()).isEqualTo(toB.ackId()).isEqualTo(100);
    assertThat(toA.listener()).isSameAs(listener).isSameAs(toB.listener());
    assertThat(toA.frames()).isSameAs(toB.frames());
    assertThat(toA.frames().get(0).text()).isEqualTo("42100[\"confirm\",1]");
    assertThat(a.deliveries).isEmpty();
    assertThat(c.received()).isZero();
  }

  @Test
  void eachBroadcastWithAckTakesANewAckId() {
    adapter.broadcastWithAck(packet("one"), to("A"), n -> { }, args -> { });
    adapter.broadcastWithAck(packet("two"), to("A"), n -> { }, args -> { });

    assertThat(a.ackDeliveries).extracting(AckDelivery::ackId).containsExactly(100L, 101L);
    assertThat(a.ackDeliveries.get(1).frames().get(0).text()).isEqualTo("42101[\"two\"]");
  }

  @Test
  void broadcastWithAckToNobodyCountsZero() {
    List<Integer> counts = new ArrayList<>();

    adapter.broadcastWithAck(packet("confirm"), to("empty"), counts::add, args -> { });

    assertThat(counts).containsExactly(0);
  }

  @Test
  void broadcastWithAckInACustomNamespaceNamesIt() {
    FakeNamespace admin = FakeNamespace.withInMemoryAdapter("/admin");
    RecordingSocket socket = admin.connect("X");

    admin.adapter.broadcastWithAck(packet("confirm", new byte[] {7}), BroadcastOptions.ALL, n -> { }, args -> { });

    List<Frame> frames = socket.ackDeliveries.get(0).frames();
    assertThat(frames.get(0).text()).isEqualTo("451-/admin,100[\"confirm\",{\"_placeholder\":true,\"num\":0}]");
    assertThat(frames.get(1).binary()).containsExactly(7);
  }

  // ---- operations on the matching sockets ----

  @Test
  void addSocketsMakesTheMatchingSocketsJoin() {
    adapter.addAll(a, List.of("room1"));
    adapter.addAll(b, List.of("room1"));

    adapter.addSockets(options(Set.of("room1"), Set.of("B")), List.of("room2", "room3"));

    assertThat(adapter.socketRooms(a)).containsExactly("A", "room1", "room2", "room3");
    assertThat(adapter.socketRooms(b)).containsExactly("B", "room1");
    assertThat(adapter.socketRooms(c)).containsExactly("C");
  }

  @Test
  void delSocketsMakesTheMatchingSocketsLeave() {
    adapter.addAll(a, List.of("room1", "room2"));
    adapter.addAll(b, List.of("room2"));
    adapter.addAll(c, List.of("room2"));

    adapter.delSockets(options(Set.of("room1", "B"), Set.of()), List.of("room2"));

    assertThat(adapter.socketRooms(a)).containsExactly("A", "room1");
    assertThat(adapter.socketRooms(b)).containsExactly("B");
    assertThat(adapter.socketRooms(c)).containsExactly("C", "room2");
  }

  @Test
  void disconnectSocketsDisconnectsTheMatchingSocketsWithTheCloseFlag() {
    adapter.addAll(a, List.of("room1"));
    adapter.addAll(b, List.of("room1"));

    adapter.disconnectSockets(options(Set.of("room1"), Set.of("A")), true);
    adapter.disconnectSockets(to("C"), false);

    assertThat(a.disconnects).isEmpty();
    assertThat(b.disconnects).containsExactly(true);
    assertThat(c.disconnects).containsExactly(false);
  }

  @Test
  void fetchSocketsDescribesTheMatchingSockets() {
    adapter.addAll(a, List.of("room1"));
    adapter.addAll(b, List.of("room1", "room2"));

    List<SocketDetails> details = adapter.fetchSockets(options(Set.of("room1"), Set.of("room2"))).join();

    assertThat(details).singleElement().satisfies(d -> {
      assertThat(d.id()).isEqualTo("A");
      assertThat(d.rooms()).containsExactlyInAnyOrder("A", "room1");
      assertThat(d.data().get("who").textValue()).isEqualTo("A");
    });
    assertThat(adapter.fetchSockets(BroadcastOptions.ALL).join()).extracting(SocketDetails::id)
        .containsExactlyInAnyOrder("A", "B", "C");
  }

  @Test
  void socketsListsTheMatchingIds() {
    adapter.addAll(a, List.of("room1"));
    adapter.addAll(b, List.of("room2"));

    assertThat(adapter.sockets(BroadcastOptions.ALL)).containsExactlyInAnyOrder("A", "B", "C");
    assertThat(adapter.sockets(to("room1", "room2"))).containsExactlyInAnyOrder("A", "B");
    assertThat(adapter.sockets(options(Set.of(), Set.of("room1")))).containsExactlyInAnyOrder("B", "C");
  }

  @Test
  void serverSideEmitOnOneNodeAnswersNothing() {
    assertThat(adapter.serverSideEmit(new Object[] {"ping"}, true, null).join()).isEmpty();
    assertThat(adapter.serverCount().join()).isEqualTo(1);
    assertThat(namespace.serverSideEmits).as("nothing loops back to this node").isEmpty();
  }

  // ---- helpers ----

  private static BroadcastPacket packet(String event, Object... args) {
    return new BroadcastPacket(event, args);
  }

  private static BroadcastOptions to(String... rooms) {
    return options(Set.of(rooms), Set.of());
  }

  private static BroadcastOptions options(Set<String> rooms, Set<String> except) {
    return new BroadcastOptions(rooms, except, false, false, false, null);
  }
}
