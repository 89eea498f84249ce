package dev.notify.spring;

import org.junit.jupiter.api.Tag;

/** {@link ShutdownTest} on embedded Jetty: the build's jetty run. */
@Tag("jetty")
class ShutdownOnJettyTest extends ShutdownTest {
}
