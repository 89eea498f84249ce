package dev.notify.core.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.notify.core.adapter.AdapterNamespace;
import dev.notify.core.adapter.InMemoryAdapter;
import dev.notify.core.internal.engine.ManualScheduler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What a component registers on a server it can remove again, so that closing it undoes all it added. */
class HandlerRemovalTest {

  /** The main namespace as its adapter sees it: how messages from other nodes come in. */
  private final AtomicReference<AdapterNamespace> fromCluster = new AtomicReference<>();
  private final NotifyServer io = NotifyServer.builder().executor(Runnable::run).scheduler(new ManualScheduler())
      .adapter(namespace -> {
        fromCluster.compareAndSet(null, namespace);
        return new InMemoryAdapter(namespace);
      })
      .build();

  @AfterEach
  void close() {
    io.close();
  }

  @Test
  void aRemovedConnectionHandlerNoLongerRunsAndTheOthersStill() {
    List<String> calls = new ArrayList<>();
    Consumer<Socket> removed = socket -> calls.add("removed");
    io.onConnection(removed);
    io.onConnection(socket -> calls.add("kept"));

    io.offConnection(removed);
    InMemoryClient.connect(io);

    assertThat(calls).containsExactly("kept");
  }

  @Test
  void aRemovedServerSideEmitHandlerNoLongerRunsAndRemovingAnUnknownOneIsHarmless() {
    List<String> calls = new ArrayList<>();
    EventHandler removed = (args, ack) -> calls.add("removed " + args.getString(0));
    io.onServerSideEmit("job", removed);
    io.onServerSideEmit("job", (args, ack) -> calls.add("kept " + args.getString(0)));

    io.offServerSideEmit("job", removed);
    io.offServerSideEmit("never-registered", removed);
    fromCluster.get().onServerSideEmit(JsonNodeFactory.instance.arrayNode().add("job").add("7"), null);

    assertThat(calls).containsExactly("kept 7");
  }
}
