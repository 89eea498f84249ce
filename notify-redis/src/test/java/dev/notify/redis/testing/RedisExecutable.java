package dev.notify.redis.testing;

import dev.notify.redis.RedisMode;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import redis.embedded.core.ExecutableProvider;

/**
 * The {@code redis-server} executable the tests start: the one on the PATH, else the binary bundled in the
 * embedded-redis jar (Redis 6.2, extracted once per JVM to a temp directory, made executable, deleted on exit).
 * Both are started directly, so killing, restarting and freezing (SIGSTOP) work the same with either. Its version
 * is read from {@code redis-server --version}; {@link #assumeSupports} skips what it cannot give.
 *
 * <p>Thread safety: immutable; {@link #get()} is thread-safe.
 */
public final class RedisExecutable {

  /** What a sharded-mode test needs and where to get it. */
  static final String HOW_TO_GET_REDIS_7 = "install redis-server 7+ (e.g. apt-get install redis-server, or a "
      + "release from redis.io) so that it is on the PATH, or set REDIS_URL to a running Redis 7+";

  private static final Pattern VERSION = Pattern.compile("v=([0-9]+)\\.([0-9]+)\\.([0-9]+)");

  /** Where the executable comes from. */
  public enum Source { PATH, BUNDLED }

  private static RedisExecutable instance;
  private static RedisExecutable bundled;

  private final Path path;
  private final Source source;
  private final String version;

  private RedisExecutable(Path path, Source source, String version) {
    this.path = path;
    this.source = source;
    this.version = version;
  }

  /** The {@code redis-server} on the PATH, else the bundled one; looked up (and extracted) once per JVM. */
  public static synchronized RedisExecutable get() {
    if (instance == null) {
      Optional<Path> onPath = onPath("redis-server");
      if (onPath.isPresent()) {
        try {
          instance = new RedisExecutable(onPath.get(), Source.PATH, versionOf(onPath.get()));
        } catch (IOException e) {
          throw new IllegalStateException("cannot run " + onPath.get() + " --version: " + e.getMessage(), e);
        }
      } else {
        instance = bundled();
      }
    }
    return instance;
  }

  /** The binary bundled in the embedded-redis jar for this OS and CPU, extracted once per JVM. */
  public static synchronized RedisExecutable bundled() {
    if (bundled == null) {
      try {
        Path path = ExecutableProvider.newJarResourceProvider().get().toPath();
        bundled = new RedisExecutable(path, Source.BUNDLED, versionOf(path));
      } catch (IOException | RuntimeException e) {
        throw new IllegalStateException("the redis-server bundled in embedded-redis could not be extracted or run: "
            + e.getMessage() + "; " + HOW_TO_GET_REDIS_7, e);
      }
    }
    return bundled;
  }

  public Path path() {
    return path;
  }

  public Source source() {
    return source;
  }

  /** The version, e.g. {@code 7.0.15}. */
  public String version() {
    return version;
  }

  public int majorVersion() {
    return majorOf(version);
  }

  /**
   * Skips the calling test when {@code mode} needs what this binary lacks: the sharded mode needs Redis 7
   * ({@code SPUBLISH}/{@code SSUBSCRIBE}). For tests that start their own servers from it.
   */
  public void assumeSupports(RedisMode mode) {
    assumeSupports(mode, version, toString());
  }

  /** Skips the calling test when {@code mode} needs a newer Redis than {@code version} (of {@code which}). */
  static void assumeSupports(RedisMode mode, String version, String which) {
    if (mode == RedisMode.SHARDED) {
      Assumptions.assumeTrue(majorOf(version) >= 7, () -> "sharded mode needs Redis 7+ (sharded pub/sub: "
          + "SPUBLISH/SSUBSCRIBE), but the Redis of this test is " + which + ": " + HOW_TO_GET_REDIS_7);
    }
  }

  /** Major version of {@code 7.0.15}; 0 if unknown. */
  static int majorOf(String version) {
    try {
      return Integer.parseInt(version.split("\\.")[0]);
    } catch (RuntimeException e) {
      return 0;
    }
  }

  /** An executable {@code program} in a directory of the PATH. */
  public static Optional<Path> onPath(String program) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    return Stream.of(path.split(File.pathSeparator)).filter(dir -> !dir.isEmpty())
        .map(dir -> Path.of(dir, program)).filter(Files::isExecutable).findFirst();
  }

  private static String versionOf(Path executable) throws IOException {
    Process process = new ProcessBuilder(executable.toString(), "--version").redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException(executable + " --version did not answer within 10 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted");
    }
    Matcher m = VERSION.matcher(output);
    if (!m.find()) {
      throw new IOException(executable + " --version printed no version: " + output.strip());
    }
    return m.group(1) + "." + m.group(2) + "." + m.group(3);
  }

  @Override
  public String toString() {
    return source == Source.PATH
        ? "redis-server " + version + " from the PATH (" + path + ")"
        : "redis-server " + version + " bundled in embedded-redis" + (onPath("redis-server").isEmpty()
            ? " (no redis-server on the PATH)" : "");
  }
}
