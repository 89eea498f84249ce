package dev.notify.spring;

import org.junit.jupiter.api.Tag;

/** {@link CustomPathAndOriginsTest} on embedded Jetty: the build's jetty run. */
@Tag("jetty")
class CustomPathAndOriginsOnJettyTest extends CustomPathAndOriginsTest {
}
