package dev.notify.core.metrics;

import java.util.Arrays;
import java.util.Objects;

/**
 * Reports to several recorders, in the order they were added: what {@link NotifyMetrics#of} returns, and what a
 * server holds so that a recorder (such as the Admin UI's) can join it after it was built. Thread-safe: adding
 * copies the array, reports read it once.
 */
public final class MetricsFanOut implements NotifyMetrics {

  private volatile NotifyMetrics[] all;

  MetricsFanOut(NotifyMetrics... all) {
    this.all = all.clone();
  }

  /** Adds a recorder: it sees what is reported from now on. */
  public synchronized void add(NotifyMetrics metrics) {
    Objects.requireNonNull(metrics, "metrics");
    NotifyMetrics[] grown = Arrays.copyOf(all, all.length + 1);
    grown[all.length] = metrics;
    all = grown;
  }

  /** Removes a recorder added before. */
  public synchronized void remove(NotifyMetrics metrics) {
    all = Arrays.stream(all).filter(m -> m != metrics).toArray(NotifyMetrics[]::new);
  }

  @Override
  public void connectionOpened(String transport) {
    for (NotifyMetrics m : all) {
      m.connectionOpened(transport);
    }
  }

  @Override
  public void connectionClosed(String reason) {
    for (NotifyMetrics m : all) {
      m.connectionClosed(reason);
    }
  }

  @Override
  public void requestRefused(String error) {
    for (NotifyMetrics m : all) {
      m.requestRefused(error);
    }
  }

  @Override
  public void packetReceived(int length) {
    for (NotifyMetrics m : all) {
      m.packetReceived(length);
    }
  }

  @Override
  public void packetsSent(int count, long length) {
    for (NotifyMetrics m : all) {
      m.packetsSent(count, length);
    }
  }

  @Override
  public void outboundBuffered(long delta) {
    for (NotifyMetrics m : all) {
      m.outboundBuffered(delta);
    }
  }

  @Override
  public void outboundDropped(String cause, int count) {
    for (NotifyMetrics m : all) {
      m.outboundDropped(cause, count);
    }
  }

  @Override
  public void socketConnected(String namespace) {
    for (NotifyMetrics m : all) {
      m.socketConnected(namespace);
    }
  }

  @Override
  public void socketDisconnected(String namespace, String reason) {
    for (NotifyMetrics m : all) {
      m.socketDisconnected(namespace, reason);
    }
  }

  @Override
  public void eventReceived(String namespace, long waitNanos) {
    for (NotifyMetrics m : all) {
      m.eventReceived(namespace, waitNanos);
    }
  }

  @Override
  public void eventHandled(String namespace, long durationNanos) {
    for (NotifyMetrics m : all) {
      m.eventHandled(namespace, durationNanos);
    }
  }

  @Override
  public void eventSent(String namespace) {
    for (NotifyMetrics m : all) {
      m.eventSent(namespace);
    }
  }

  @Override
  public void eventsSent(String namespace, int count) {
    for (NotifyMetrics m : all) {
      m.eventsSent(namespace, count);
    }
  }

  @Override
  public void broadcast(int fanOut) {
    for (NotifyMetrics m : all) {
      m.broadcast(fanOut);
    }
  }

  @Override
  public void ackReceived(String namespace, long roundTripNanos) {
    for (NotifyMetrics m : all) {
      m.ackReceived(namespace, roundTripNanos);
    }
  }

  @Override
  public void ackTimedOut(String namespace) {
    for (NotifyMetrics m : all) {
      m.ackTimedOut(namespace);
    }
  }

  @Override
  public void clusterMessageSent(String type) {
    for (NotifyMetrics m : all) {
      m.clusterMessageSent(type);
    }
  }

  @Override
  public void clusterMessageReceived(String type) {
    for (NotifyMetrics m : all) {
      m.clusterMessageReceived(type);
    }
  }

  @Override
  public void clusterRequestTimedOut(String type) {
    for (NotifyMetrics m : all) {
      m.clusterRequestTimedOut(type);
    }
  }

  @Override
  public void clusterPublished(long latencyNanos) {
    for (NotifyMetrics m : all) {
      m.clusterPublished(latencyNanos);
    }
  }

  @Override
  public void clusterOutage(boolean outage) {
    for (NotifyMetrics m : all) {
      m.clusterOutage(outage);
    }
  }

  @Override
  public void clusterServers(int count) {
    for (NotifyMetrics m : all) {
      m.clusterServers(count);
    }
  }

  @Override
  public void notificationDelivered(long latencyNanos) {
    for (NotifyMetrics m : all) {
      m.notificationDelivered(latencyNanos);
    }
  }

  @Override
  public void notificationRetried() {
    for (NotifyMetrics m : all) {
      m.notificationRetried();
    }
  }

  @Override
  public void notificationFallback(String reason) {
    for (NotifyMetrics m : all) {
      m.notificationFallback(reason);
    }
  }

  @Override
  public void catchUpBatch(int size) {
    for (NotifyMetrics m : all) {
      m.catchUpBatch(size);
    }
  }

  @Override
  public void notificationQueueDepth(long depth) {
    for (NotifyMetrics m : all) {
      m.notificationQueueDepth(depth);
    }
  }
}
