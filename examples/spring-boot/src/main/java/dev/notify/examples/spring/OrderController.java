package dev.notify.examples.spring;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code POST /orders?user=ada&item=book}: the page's button. */
@RestController
class OrderController {

  private final OrderService orders;

  OrderController(OrderService orders) {
    this.orders = orders;
  }

  @PostMapping("/orders")
  ResponseEntity<?> place(@RequestParam String user, @RequestParam String item) {
    if (user.isBlank() || item.isBlank()) {
      return ResponseEntity.badRequest().body("user and item must not be blank");
    }
    return ResponseEntity.ok(orders.place(user, item));
  }
}
