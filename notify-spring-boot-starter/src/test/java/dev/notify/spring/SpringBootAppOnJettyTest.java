package dev.notify.spring;

import org.junit.jupiter.api.Tag;
import org.springframework.boot.jetty.JettyWebServer;
import org.springframework.boot.web.server.WebServer;

/** The application on embedded Jetty ({@code spring-boot-starter-jetty} instead of Tomcat): the build's jetty run. */
@Tag("jetty")
class SpringBootAppOnJettyTest extends AbstractSpringBootAppTest {

  @Override
  Class<? extends WebServer> expectedWebServer() {
    return JettyWebServer.class;
  }
}
