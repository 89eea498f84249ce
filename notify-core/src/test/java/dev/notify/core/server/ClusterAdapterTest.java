package dev.notify.core.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notify.core.adapter.AdapterNamespace;
import dev.notify.core.adapter.cluster.ClusterAdapter;
import dev.notify.core.adapter.cluster.ClusterMessage;
import dev.notify.core.internal.engine.ManualScheduler;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The neutral cluster base on a broker of the test's own (messages handed over in memory, no codec): the cluster side
 * of broadcasts, requests and acks works whatever carries the messages, which is what lets an adapter for another
 * broker add only its codec and transport.
 */
class ClusterAdapterTest {

  /** Hands each message to the other nodes' adapters, answers to the requester. */
  private static final class Broker {
    final Map<String, LoopbackAdapter> nodes = new ConcurrentHashMap<>();
    volatile boolean deaf;
  }

  private static final class LoopbackAdapter extends ClusterAdapter {
    private static final AtomicLong IDS = new AtomicLong();
    private final Broker broker;

    final AtomicLong dropped = new AtomicLong();

    LoopbackAdapter(AdapterNamespace namespace, Broker broker, String uid, int inboundQueueCapacity) {
      super(namespace, uid, Duration.ofSeconds(2), inboundQueueCapacity);
      this.broker = broker;
    }

    @Override
    protected void inboundDropped() {
      dropped.incrementAndGet();
    }

    @Override
    protected CompletableFuture<Void> subscribe() {
      broker.nodes.put(uid(), this);
      return CompletableFuture.completedFuture(null);
    }

    @Override
    protected void unsubscribe() {
      broker.nodes.remove(uid());
    }

    @Override
    protected boolean publish(ClusterMessage message) {
      broker.nodes.values().forEach(node -> {
        if (node != this && !broker.deaf) {
          node.receive(message);
        }
      });
      return true;
    }

    @Override
    protected boolean publishResponse(String requesterUid, ClusterMessage response) {
      LoopbackAdapter requester = broker.nodes.get(requesterUid);
      if (requester != null) {
        requester.receive(response);
      }
      return true;
    }

    @Override
    protected String newRequestId() {
      return Long.toString(IDS.incrementAndGet());
    }

    @Override
    public CompletableFuture<Integer> serverCount() {
      return CompletableFuture.completedFuture(broker.nodes.size());
    }
  }

  private final Broker broker = new Broker();
  private final ManualScheduler scheduler = new ManualScheduler();
  private final NotifyServer a = node("node-a");
  private final NotifyServer b = node("node-b");

  private NotifyServer node(String uid) {
    return node(uid, Runnable::run);
  }

  private NotifyServer node(String uid, Executor executor) {
    return node(uid, executor, 1000);
  }

  private NotifyServer node(String uid, Executor executor, int inboundQueueCapacity) {
    NotifyServer io = NotifyServer.builder().executor(executor).scheduler(scheduler)
        .adapter(namespace -> new LoopbackAdapter(namespace, broker, uid, inboundQueueCapacity)).build();
    io.of("/").ready().join();
    return io;
  }

  @AfterEach
  void close() {
    a.close();
    b.close();
  }

  @Test
  void aBroadcastReachesTheSocketsOfTheOtherNode() {
    InMemoryClient onB = joined(b, "news");

    a.to("news").emit("headline", "hello");
    a.to("elsewhere").emit("headline", "not for it");

    assertThat(onB.events()).containsExactly("42[\"headline\",\"hello\"]");
  }

  /** Runs tasks at once, or holds them until told to run them. */
  private static final class HoldingExecutor implements Executor {
    final Queue<Runnable> held = new ArrayDeque<>();
    boolean holding;

    @Override
    public void execute(Runnable task) {
      if (holding) {
        held.add(task);
      } else {
        task.run();
      }
    }

    void release() {
      holding = false;
      for (Runnable task = held.poll(); task != null; task = held.poll()) {
        task.run();
      }
    }
  }

  private static InMemoryClient joined(NotifyServer node, String room) {
    InMemoryClient client = InMemoryClient.connect(node);
    client.socket.join(room);
    return client;
  }

  @Test
  void aBroadcastToAFewSocketsIsAppliedOnTheReceivingThreadALargerOneOnTheExecutorInOrder() {
    HoldingExecutor executor = new HoldingExecutor();
    NotifyServer c = node("node-c", executor);
    try {
      InMemoryClient few = joined(c, "few");
      List<InMemoryClient> many = new ArrayList<>();
      for (int i = 0; i < 65; i++) { // one more than a broadcast applied on the receiving thread reaches
        many.add(joined(c, "many"));
      }
      executor.holding = true;

      a.to("few").emit("n", 1); // nothing waits on node c: delivered before its executor runs anything
      assertThat(few.events()).containsExactly("42[\"n\",1]");

      a.to("many").emit("n", 2); // 65 sockets: waits for the executor
      a.to("few").emit("n", 3); // queued behind it, so that the order holds
      assertThat(many.get(0).events()).isEmpty();
      assertThat(few.events()).containsExactly("42[\"n\",1]");

      executor.release();
      assertThat(many).allSatisfy(client -> assertThat(client.events()).containsExactly("42[\"n\",2]"));
      assertThat(few.events()).containsExactly("42[\"n\",1]", "42[\"n\",3]");
    } finally {
      executor.release();
      c.close();
    }
  }

  @Test
  void pastItsInboundQueueCapacityANodeDropsAndCountsWhatOtherNodesSendWhileSmallBroadcastsStillWait() {
    HoldingExecutor executor = new HoldingExecutor();
    NotifyServer c = node("node-c", executor, 3);
    try {
      InMemoryClient few = joined(c, "few");
      List<InMemoryClient> many = new ArrayList<>();
      for (int i = 0; i < 65; i++) { // one more than a broadcast applied on the receiving thread reaches
        many.add(joined(c, "many"));
      }
      executor.holding = true; // a handler executor that has fallen behind

      for (int n = 1; n <= 3; n++) {
        a.to("many").emit("n", n);
      }
      a.to("many").emit("n", 4); // the queue holds 3: dropped
      a.to("few").emit("n", 5); // would run at once, but others wait: queued behind them, so dropped too
      LoopbackAdapter adapter = (LoopbackAdapter) c.of("/").adapter();
      assertThat(adapter.dropped).hasValue(2);

      executor.release();
      assertThat(many).allSatisfy(client -> assertThat(client.events())
          .containsExactly("42[\"n\",1]", "42[\"n\",2]", "42[\"n\",3]"));
      assertThat(few.events()).isEmpty();
      a.to("few").emit("n", 6); // the queue is empty again: taken, and applied at once
      assertThat(few.events()).containsExactly("42[\"n\",6]");
    } finally {
      executor.release();
      c.close();
    }
  }

  @Test
  void fetchSocketsAndServerSideEmitWithAckCollectTheOtherNodesAnswers() throws Exception {
    InMemoryClient onA = InMemoryClient.connect(a);
    InMemoryClient onB = InMemoryClient.connect(b);
    b.onServerSideEmit("ping", (args, ack) -> ack.send("pong " + args.getString(0)));

    List<RemoteSocket> sockets = a.fetchSockets().get();
    List<Args> answers = a.serverSideEmitWithAck("ping", "from a").get();

    assertThat(sockets).extracting(RemoteSocket::id).containsExactlyInAnyOrder(onA.socket.id(), onB.socket.id());
    assertThat(answers).extracting(args -> args.getString(0)).containsExactly("pong from a");
    assertThat(((ClusterAdapter) a.of("/").adapter()).pendingRequests()).isZero();
  }

  @Test
  void aBroadcastWithAckCompletesWithTheAckOfAClientOnTheOtherNode() throws Exception {
    InMemoryClient onB = InMemoryClient.connect(b);

    CompletableFuture<List<Args>> acks = a.timeout(Duration.ofSeconds(5)).emitWithAck("confirm", 1);
    String sent = onB.events().get(0);
    onB.transport.receive("43" + sent.substring(2, sent.indexOf('[')) + "[\"ok\"]");

    assertThat(acks.get()).extracting(args -> args.getString(0)).containsExactly("ok");
  }

  @Test
  void aRequestNobodyAnswersFailsAfterTheRequestsTimeoutAndLeavesNothingPending() {
    broker.deaf = true;

    CompletableFuture<List<RemoteSocket>> sockets = a.fetchSockets();
    scheduler.advance(Duration.ofSeconds(2));

    assertThat(sockets).isCompletedExceptionally();
    assertThat(cause(sockets)).isInstanceOf(NotifyException.class).hasMessageContaining("timed out");
    assertThat(((ClusterAdapter) a.of("/").adapter()).pendingRequests()).isZero();
  }

  private static Throwable cause(CompletableFuture<?> future) {
    try {
      future.get();
      return null;
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return e;
    }
  }
}
