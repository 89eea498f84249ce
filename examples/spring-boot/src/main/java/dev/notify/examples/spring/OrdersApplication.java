package dev.notify.examples.spring;

import dev.notify.core.server.Socket;
import dev.notify.spring.NotifyConfigurer;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * A shop whose orders come back as notifications: the page at {@code /} (static/index.html) signs in as a user,
 * connects with the Socket.IO browser client and posts orders; {@link OrderService}, an ordinary service bean,
 * notifies that user's room. Run it with {@code examples/spring-boot/run}.
 */
@SpringBootApplication
public class OrdersApplication {

  public static void main(String[] args) {
    SpringApplication.run(OrdersApplication.class, args);
  }

  /**
   * Each connection joins its user's room, {@code user:<auth.user>}; one without a user is refused. Demo-grade:
   * the user name is the credential; a real application verifies a signed token here.
   */
  @Bean
  NotifyConfigurer userRooms() {
    return io -> {
      io.use((socket, next) -> {
        if (user(socket).isBlank()) {
          next.reject("auth.user is required");
        } else {
          next.accept();
        }
      });
      io.onConnection(socket -> socket.join(OrderService.room(user(socket))));
    };
  }

  private static String user(Socket socket) {
    return socket.handshake().auth().path("user").asText("");
  }
}
