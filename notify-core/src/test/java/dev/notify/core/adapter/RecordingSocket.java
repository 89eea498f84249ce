package dev.notify.core.adapter;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.notify.core.internal.protocol.Frame;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A hand-written {@link LocalSocket} that records what the adapter did to it. */
final class RecordingSocket implements LocalSocket {

  /** One {@code deliver} call. */
  record Delivery(List<Frame> frames, boolean volatileFrames) {
  }

  /** One {@code deliverWithAck} call. */
  record AckDelivery(List<Frame> frames, long ackId, AckListener listener) {
  }

  private final String id;
  private final FakeNamespace namespace;
  final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
  final List<AckDelivery> ackDeliveries = new CopyOnWriteArrayList<>();
  final List<Boolean> disconnects = new CopyOnWriteArrayList<>();
  /** Whether {@code deliver} hands packets on; false plays a socket that disconnected while a broadcast ran. */
  volatile boolean connected = true;

  RecordingSocket(String id, FakeNamespace namespace) {
    this.id = id;
    this.namespace = namespace;
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public boolean deliver(EncodedPacket packet, boolean volatilePacket) {
    if (!connected) {
      return false;
    }
    deliveries.add(new Delivery(((FakeNamespace.Encoded) packet).frames(), volatilePacket));
    return true;
  }

  @Override
  public void deliverWithAck(EncodedPacket packet, long ackId, AckListener listener) {
    ackDeliveries.add(new AckDelivery(((FakeNamespace.Encoded) packet).frames(), ackId, listener));
  }

  @Override
  public void disconnect(boolean close) {
    disconnects.add(close);
  }

  @Override
  public SocketDetails details() {
    JsonNodeFactory nodes = JsonNodeFactory.instance;
    return new SocketDetails(id, nodes.objectNode().put("url", "/socket.io/"),
        namespace.adapter.socketRooms(this), nodes.objectNode().put("who", id));
  }

  /** Everything delivered, with or without ack. */
  int received() {
    return deliveries.size() + ackDeliveries.size();
  }

  /** The wire text of the first frame of each delivery, in order. */
  List<String> texts() {
    return deliveries.stream().map(d -> d.frames().get(0).text()).toList();
  }

  @Override
  public String toString() {
    return "RecordingSocket{" + id + '}';
  }
}
