package dev.notify.spring;

import dev.notify.core.server.Emitter;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.stereotype.Service;

/** A tiny application as a user writes it: handlers in a configurer bean, a service that emits. */
@SpringBootApplication
class TestApp {

  /** Every client joins {@code news} and is told so; {@code echo} answers its arguments. */
  @Bean
  NotifyConfigurer newsHandlers() {
    return io -> io.onConnection(socket -> {
      socket.join("news");
      socket.emit("joined", "news");
      socket.on("echo", (args, ack) -> ack.send(args.toArray()));
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
