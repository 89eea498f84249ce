package dev.notify.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.notify.netty.modulepath.ModularServerMain;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * notify-netty used as a Java module: it exports its API package alone, and a server whose notify and Netty jars
 * sit on the module path (where reaching into a package a module does not export fails) serves real clients.
 */
class ModulePathIT {

  /** The jars that go on the module path; the rest (the test code, its clients) stays on the class path. */
  private static final Pattern MODULE_JARS = Pattern.compile(
      "(notify-core-|notify-netty-|netty-|jackson-(core|databind|annotations)-|slf4j-).*\\.jar");

  @Test
  void theModuleExportsItsApiPackageOnly() {
    ModuleDescriptor descriptor = ModuleFinder.of(ownModule()).findAll().iterator().next().descriptor();

    assertThat(descriptor.name()).isEqualTo("dev.notify.netty");
    assertThat(descriptor.exports()).extracting(e -> e.source() + (e.isQualified() ? " to " + e.targets() : ""))
        .containsExactly("dev.notify.netty");
  }

  @Test
  void aServerOnTheModulePathServesWebSocketAndPollingClients() throws Exception {
    List<String> modules = new ArrayList<>();
    List<String> classes = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path path = Path.of(entry);
      boolean module = Files.isDirectory(path) ? Files.exists(path.resolve("module-info.class"))
          : MODULE_JARS.matcher(path.getFileName().toString()).matches();
      (module ? modules : classes).add(entry);
    }
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path stderr = Files.createTempFile("modular-server", ".stderr");
    Process process = new ProcessBuilder(java, "-Xmx128m", "--module-path", String.join(File.pathSeparator, modules),
        "--add-modules", "dev.notify.netty", "-cp", String.join(File.pathSeparator, classes),
        ModularServerMain.class.getName())
        .redirectError(stderr.toFile()).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      String ready = CompletableFuture.supplyAsync(() -> readLine(out)).get(60, TimeUnit.SECONDS);
      assertThat(ready).as("the server's first line; module path %s; stderr: %s", modules, Files.readString(stderr))
          .startsWith("READY ");
      String url = "http://127.0.0.1:" + ready.substring(6).trim();

      for (String transports : List.of("websocket", "polling")) {
        try (JavaClient client = JavaClient.connect(url, transports)) {
          assertThat(client.call("echo", transports)).containsExactly(transports, "dev.notify.netty");
        }
      }
    } finally {
      process.getOutputStream().close();
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
      Files.deleteIfExists(stderr);
    }
  }

  /** notify-netty's jar, which failsafe puts on the class path, else its classes (with the module descriptor). */
  private static Path ownModule() {
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      Path path = Path.of(entry);
      String name = path.getFileName().toString();
      if (name.startsWith("notify-netty-") && name.endsWith(".jar")) {
        return path;
      }
    }
    return Path.of(System.getProperty("basedir", ""), "target", "classes");
  }

  private static String readLine(BufferedReader reader) {
    try {
      return reader.readLine();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
