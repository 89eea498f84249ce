/** notify's metrics in Micrometer: {@code MicrometerMetrics.of(registry)} for {@code NotifyServer.Builder.metrics}. */
module dev.notify.micrometer {
  requires transitive dev.notify.core;
  requires transitive micrometer.core;

  exports dev.notify.micrometer;
}
