package dev.notify.spring;

import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.WebServer;

/** The application on embedded Tomcat, the server of {@code spring-boot-starter-web}. */
class SpringBootAppOnTomcatTest extends AbstractSpringBootAppTest {

  @Override
  Class<? extends WebServer> expectedWebServer() {
    return TomcatWebServer.class;
  }
}
