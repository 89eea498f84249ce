package dev.notify.redis.testing;

/** How long one notification took from its send to its {@code notification:new} on one device, in ms. */
public record Latency(String id, long millis) {}
