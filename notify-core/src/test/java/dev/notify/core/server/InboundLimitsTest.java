package dev.notify.core.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notify.core.internal.engine.CloseReason;
import dev.notify.core.internal.engine.ManualScheduler;
import dev.notify.core.internal.engine.TestRequests;
import dev.notify.core.internal.engine.TestTransport;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What one client may make the server hold: packets waiting for its handlers (count and bytes) and binary
 * attachments per packet. Past a bound the client is disconnected; under it nothing is refused.
 */
class InboundLimitsTest {

  /** Runs handler tasks only when the test says so, as a handler pool that is busy. */
  private final Queue<Runnable> pending = new ArrayDeque<>();
  private final Executor held = pending::add;
  private final List<String> handled = new ArrayList<>();
  private NotifyServer io;

  @AfterEach
  void close() {
    if (io != null) {
      io.close();
    }
  }

  @Test
  void aClientWhosePacketsPileUpPastMaxInboundPacketsIsDisconnectedForPolicyViolation() {
    TestTransport client = connect(NotifyServer.builder().maxInboundPackets(10));

    for (int i = 0; i < 10; i++) {
      client.receive("42[\"e\"," + i + "]");
    }
    assertThat(client.isClosed()).as("10 waiting packets are allowed").isFalse();
    client.receive("42[\"e\",10]");

    assertThat(client.closeReasons()).containsExactly(CloseReason.POLICY_VIOLATION);
  }

  @Test
  void aClientWhosePacketsPileUpPastMaxInboundBytesIsDisconnected() {
    TestTransport client = connect(NotifyServer.builder().maxInboundBytes(10_000));
    String big = "42[\"e\",\"" + "x".repeat(3_000) + "\"]";

    client.receive(big);
    client.receive(big);
    client.receive(big);
    assertThat(client.isClosed()).isFalse();
    client.receive(big);

    assertThat(client.closeReasons()).containsExactly(CloseReason.POLICY_VIOLATION);
  }

  @Test
  void handledPacketsFreeTheirPlaceSoAClientKeptUpWithIsNeverRefused() {
    TestTransport client = connect(NotifyServer.builder().maxInboundPackets(10).maxInboundBytes(1_000));

    for (int round = 0; round < 50; round++) {
      for (int i = 0; i < 10; i++) {
        client.receive("42[\"e\"," + (round * 10 + i) + "]");
      }
      runHandlers();
    }

    assertThat(client.isClosed()).isFalse();
    assertThat(handled).hasSize(500);
  }

  @Test
  void aPacketAnnouncingMoreAttachmentsThanAllowedClosesTheConnectionAsTooLarge() {
    TestTransport client = connect(NotifyServer.builder().maxAttachments(2));

    client.receive("453-[\"e\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1},"
        + "{\"_placeholder\":true,\"num\":2}]");

    assertThat(client.closeReasons()).containsExactly(CloseReason.MESSAGE_TOO_LARGE);
  }

  @Test
  void attachmentsTogetherPastMaxPayloadCloseTheConnectionAsTooLarge() {
    TestTransport client = connect(NotifyServer.builder().maxPayload(10_000));
    client.receive("451-[\"e\",{\"_placeholder\":true,\"num\":0}]");
    client.receive(new byte[9_000]);
    runHandlers();
    assertThat(handled).hasSize(1);

    client.receive("452-[\"e\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]");
    client.receive(new byte[9_000]);
    assertThat(client.isClosed()).isFalse();
    client.receive(new byte[2_000]);

    assertThat(client.closeReasons()).containsExactly(CloseReason.MESSAGE_TOO_LARGE);
    runHandlers();
    assertThat(handled).as("the refused packet never reaches a handler").hasSize(1);
  }

  private TestTransport connect(NotifyServer.Builder builder) {
    io = builder.executor(held).scheduler(new ManualScheduler()).build();
    io.onConnection(socket -> socket.on("e", (args, ack) -> handled.add(args.toString())));
    TestTransport transport = TestTransport.websocket().autoDrain(true);
    transport.open(io.engine(), TestRequests.handshake("websocket"));
    transport.drain();
    transport.receive("40");
    runHandlers();
    assertThat(transport.texts()).anyMatch(t -> t.startsWith("40{"));
    return transport;
  }

  private void runHandlers() {
    Runnable task;
    while ((task = pending.poll()) != null) {
      task.run();
    }
  }
}
