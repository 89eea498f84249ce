package dev.notify.core.adapter;

import com.fasterxml.jackson.databind.JsonNode;

/** Receives one client's acknowledgement of a broadcast. Called on a handler thread; must not block long. */
public interface AckListener {

  /** The client acknowledged; {@code args} is the JSON array of its ack arguments (binary as BinaryNode). */
  void onAck(JsonNode args);

  /** The client disconnected before it acknowledged; no ack will come from it. */
  default void onDisconnect(String socketId) {
  }
}
