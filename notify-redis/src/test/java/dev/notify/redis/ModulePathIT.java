package dev.notify.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.notify.core.notification.Notification;
import dev.notify.core.notification.NotificationId;
import dev.notify.core.notification.NotificationService;
import dev.notify.core.notification.NotificationStatus;
import dev.notify.redis.testing.Device;
import dev.notify.redis.testing.NodeJvm;
import dev.notify.redis.testing.RedisExtension;
import dev.notify.redis.testing.RedisKeys;
import java.io.File;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * notify used as Java modules: the published jars describe the API they export, and a node whose notify jars sit on
 * the module path (where reaching into a package a module does not export fails) serves a client, takes part in
 * the Redis cluster and delivers notifications.
 */
@ExtendWith(RedisExtension.class)
class ModulePathIT {

  @Test
  void theModulesExportTheApiAndSpiPackagesOnlyAndTheInternalOnesToNotifyAlone() {
    Map<String, String> exports = new TreeMap<>();
    for (String module : List.of("core", "redis", "jakarta")) {
      ModuleReference ref = ModuleFinder.of(jar(module)).findAll().iterator().next();
      for (ModuleDescriptor.Exports e : ref.descriptor().exports()) {
        exports.put(e.source(), e.isQualified() ? "to " + new TreeSet<>(e.targets()) : "to all");
      }
    }

    assertThat(exports).containsExactlyInAnyOrderEntriesOf(Map.ofEntries(
        Map.entry("dev.notify.core.server", "to all"),
        Map.entry("dev.notify.core.adapter", "to all"),
        Map.entry("dev.notify.core.adapter.cluster", "to all"),
        Map.entry("dev.notify.core.notification", "to all"),
        Map.entry("dev.notify.core.metrics", "to all"),
        Map.entry("dev.notify.core.internal", "to [dev.notify.jakarta, dev.notify.netty, dev.notify.redis]"),
        Map.entry("dev.notify.core.internal.engine", "to [dev.notify.jakarta, dev.notify.netty]"),
        Map.entry("dev.notify.core.internal.polling", "to [dev.notify.jakarta, dev.notify.netty]"),
        Map.entry("dev.notify.core.internal.protocol", "to [dev.notify.jakarta, dev.notify.netty, dev.notify.redis]"),
        Map.entry("dev.notify.redis", "to all"),
        Map.entry("dev.notify.jakarta", "to all"),
        Map.entry("dev.notify.jakarta.internal", "to [dev.notify.cdi, dev.notify.spring]")));
  }

  @Test
  void aNodeOnTheModulePathServesClustersAndDeliversNotifications() throws Exception {
    String adapterKey = RedisExtension.uniqueKey("module-path");
    String prefix = RedisExtension.uniqueKey("module-path-store");
    try (NodeJvm node = NodeJvm.startOnModulePath("module-path-node", RedisExtension.url(), adapterKey, prefix,
            5_000, 500);
        RedisEmitter emitter = RedisEmitter.create(RedisEmitterOptions.builder().url(RedisExtension.url())
            .key(adapterKey).build());
        RedisNotificationStore store = RedisNotificationStore.create(RedisNotificationStoreOptions.builder()
            .url(RedisExtension.url()).keyPrefix(prefix).build());
        NotificationService sender = NotificationService.builder().emitter(emitter).store(store).build();
        Device phone = Device.connect("alice", "phone", true, node.url())) {

      NotificationId id = sender.send("alice", Notification.of("greeting", "Hello", "from a modular node"))
          .get(10, TimeUnit.SECONDS);

      await().atMost(Duration.ofSeconds(20)).until(() -> phone.ids().contains(id.toString()));
      await().atMost(Duration.ofSeconds(20)).until(() ->
          store.find("alice", id).get(5, TimeUnit.SECONDS).status() == NotificationStatus.DELIVERED);

      // the read sync travels from the socket-less sender through Redis to the modular node's adapter
      assertThat(sender.markRead("alice", List.of(id)).get(10, TimeUnit.SECONDS)).containsExactly(id);
      await().atMost(Duration.ofSeconds(20)).until(() -> !phone.events("notification:read-sync").isEmpty());
      assertThat(phone.events("notification:read-sync").get(0).payload().toString()).contains(id.toString());
      assertThat(node.alive()).isTrue();
    } finally {
      RedisKeys.deleteStoreKeys(RedisExtension.url(), prefix);
    }
  }

  /** Where the test's class path has the module: a dependency's jar, or this module's own classes. */
  private static Path jar(String module) {
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path path = Path.of(entry);
      String name = path.getFileName().toString();
      boolean dependency = name.startsWith("notify-" + module + "-") && name.endsWith(".jar")
          && !name.endsWith("-tests.jar");
      boolean own = path.endsWith(Path.of("notify-" + module, "target", "classes"));
      if (dependency || own) {
        return path;
      }
    }
    throw new IllegalStateException("notify-" + module + " is not on the class path");
  }
}
