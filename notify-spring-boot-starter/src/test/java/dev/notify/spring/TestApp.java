package dev.notify.spring;

import dev.notify.core.server.Emitter;
import java.time.Instant;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.stereotype.Service;

/** A tiny application as a user writes it: handlers in a configurer bean, a service that emits. */
@SpringBootApplication
class TestApp {

  /** What a business object looks like: a record with a {@code java.time} value. */
  record Stamp(String label, Instant at) {
  }

  /**
   * Every client joins {@code news} and is told so; {@code echo} answers its arguments, {@code stamp} a {@link Stamp}
   * of the instant it was given.
   */
  @Bean
  NotifyConfigurer newsHandlers() {
    return io -> io.onConnection(socket -> {
      socket.join("news");
      socket.emit("joined", "news");
      socket.on("echo", (args, ack) -> ack.send(args.toArray()));
      socket.on("stamp", (args, ack) -> ack.send(new Stamp("given", Instant.parse(args.get(0).asText()))));
    });
  }

  @Service
  static class NewsService {
    private final Emitter emitter;

    NewsService(Emitter emitter) {
      this.emitter = emitter;
    }

    void publish(String headline) {
      emitter.to("news").emit("headline", headline);
    }
  }
}
