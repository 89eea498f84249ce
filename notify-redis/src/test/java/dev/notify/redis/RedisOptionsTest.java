package dev.notify.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Connection, adapter, emitter and recovery store options: URL parsing, defaults, validation messages, masking. */
class RedisOptionsTest {

  @Test
  void aUrlGivesHostPortUserPasswordDatabaseAndTls() {
    RedisConnectionOptions o = RedisConnectionOptions.fromUrl("rediss://app:s%40cret@redis.example.com:6380/2");

    assertThat(o.topology()).isEqualTo(RedisConnectionOptions.Topology.STANDALONE);
    assertThat(o.nodes().get(0).getHostString()).isEqualTo("redis.example.com");
    assertThat(o.nodes().get(0).getPort()).isEqualTo(6380);
    assertThat(o.user()).isEqualTo("app");
    assertThat(o.password()).isEqualTo("s@cret");
    assertThat(o.database()).isEqualTo(2);
    assertThat(o.ssl()).isTrue();
    assertThat(o.toString()).contains("password=****").doesNotContain("cret");
  }

  @Test
  void anSslSocketFactoryTurnsTlsOn() {
    javax.net.ssl.SSLSocketFactory factory = (javax.net.ssl.SSLSocketFactory) javax.net.ssl.SSLSocketFactory.getDefault();
    RedisConnectionOptions options = RedisConnectionOptions.builder().url("redis://h:6380").sslSocketFactory(factory)
        .build();
    assertThat(options.ssl()).isTrue();
    assertThat(options.sslSocketFactory()).isSameAs(factory);
    assertThat(RedisConnectionOptions.fromUrl("rediss://h").sslSocketFactory()).isNull();
  }

  @Test
  void aPasswordAloneAndTheDefaultPortAreUnderstood() {
    RedisConnectionOptions o = RedisConnectionOptions.fromUrl("redis://:pw@localhost");

    assertThat(o.user()).isNull();
    assertThat(o.password()).isEqualTo("pw");
    assertThat(o.nodes().get(0).getPort()).isEqualTo(6379);
    assertThat(o.ssl()).isFalse();
  }

  @Test
  void clusterAndSentinelTopologies() {
    RedisConnectionOptions cluster = RedisConnectionOptions.builder()
        .cluster("redis://u:p@10.0.0.1:7000", "redis://10.0.0.2:7001").build();
    assertThat(cluster.topology()).isEqualTo(RedisConnectionOptions.Topology.CLUSTER);
    assertThat(cluster.nodes()).hasSize(2);
    assertThat(cluster.user()).isEqualTo("u");

    RedisConnectionOptions sentinel = RedisConnectionOptions.builder()
        .sentinel("mymaster", "redis://:spw@10.0.0.1:26379").password("mpw").build();
    assertThat(sentinel.masterName()).isEqualTo("mymaster");
    assertThat(sentinel.sentinelPassword()).isEqualTo("spw");
    assertThat(sentinel.password()).isEqualTo("mpw");
    assertThat(sentinel.toString()).doesNotContain("spw").doesNotContain("mpw");
  }

  @Test
  void badValuesAreRefusedNamingTheOption() {
    assertThatThrownBy(() -> RedisConnectionOptions.fromUrl("http://localhost"))
        .hasMessage("url must start with redis:// or rediss://, was http://localhost");
    assertThatThrownBy(() -> RedisConnectionOptions.fromUrl("redis://:secret@host/x"))
        .hasMessageContaining("url path must be a database number").hasMessageNotContaining("secret");
    assertThatThrownBy(() -> RedisConnectionOptions.builder().cluster("redis://h:7000/1"))
        .hasMessageContaining("must not select a database");
    assertThatThrownBy(() -> RedisConnectionOptions.builder().sslSocketFactory(null))
        .hasMessage("sslSocketFactory");
    assertThatThrownBy(() -> RedisConnectionOptions.builder().poolSize(0))
        .hasMessage("poolSize must be in 1..1024, was 0");
    assertThatThrownBy(() -> RedisAdapterOptions.builder().requestsTimeout(Duration.ZERO))
        .hasMessage("requestsTimeout must be > 0, was PT0S");
    assertThatThrownBy(() -> RedisAdapterOptions.builder().key("a#b"))
        .hasMessage("key must be non-empty and must not contain '#', was 'a#b'");
    assertThatThrownBy(() -> RedisAdapterOptions.builder().reconnectMinDelay(Duration.ofSeconds(10))
        .reconnectMaxDelay(Duration.ofSeconds(1)).build())
        .hasMessage("reconnectMaxDelay must be >= reconnectMinDelay (PT10S), was PT1S");
    assertThatThrownBy(() -> RedisAdapterOptions.builder().publishQueueCapacity(0))
        .hasMessage("publishQueueCapacity must be in 1..10000000, was 0");
  }

  @Test
  void adapterDefaultsMatchTheNodeAdapterAndToBuilderCopies() {
    RedisAdapterOptions o = RedisAdapterOptions.builder().build();

    assertThat(o.key()).isEqualTo("socket.io");
    assertThat(o.mode()).isEqualTo(RedisMode.CLASSIC);
    assertThat(o.subscriptionMode()).isEqualTo(SubscriptionMode.DYNAMIC);
    assertThat(o.requestsTimeout()).isEqualTo(Duration.ofSeconds(5));
    RedisAdapterOptions copy = o.toBuilder().mode(RedisMode.SHARDED).build();
    assertThat(copy.mode()).isEqualTo(RedisMode.SHARDED);
    assertThat(o.mode()).isEqualTo(RedisMode.CLASSIC);
    assertThat(copy.toString()).contains("mode=SHARDED").contains("requestsTimeout=PT5S");
  }

  @Test
  void recoveryStoreDefaultsValidationAndToBuilder() {
    RedisRecoveryStoreOptions o = RedisRecoveryStoreOptions.builder().build();

    assertThat(o.keyPrefix()).isEqualTo("notify:recovery");
    assertThat(o.maxLength()).isEqualTo(10_000);
    assertThat(o.maxDisconnectionDuration()).isEqualTo(Duration.ofMinutes(2));
    assertThat(o.commandTimeout()).isEqualTo(Duration.ofMillis(500));
    RedisRecoveryStoreOptions copy = o.toBuilder().url("redis://:secret@h:7000").keyPrefix("app").maxLength(5)
        .build();
    assertThat(copy.keyPrefix()).isEqualTo("app");
    assertThat(o.keyPrefix()).isEqualTo("notify:recovery");
    assertThat(copy.toString()).contains("keyPrefix=app", "maxLength=5", "commandTimeout=PT0.5S")
        .doesNotContain("secret");

    assertThatThrownBy(() -> RedisRecoveryStoreOptions.builder().keyPrefix(""))
        .hasMessage("keyPrefix must not be empty");
    assertThatThrownBy(() -> RedisRecoveryStoreOptions.builder().maxLength(0))
        .hasMessage("maxLength must be >= 1, was 0");
    assertThatThrownBy(() -> RedisRecoveryStoreOptions.builder().commandTimeout(Duration.ZERO))
        .hasMessage("commandTimeout must be > 0, was PT0S");
    assertThatThrownBy(() -> RedisRecoveryStoreOptions.builder().maxDisconnectionDuration(Duration.ofSeconds(-1)))
        .hasMessage("maxDisconnectionDuration must be > 0, was PT-1S");
    assertThatThrownBy(() -> RedisRecoveryStoreOptions.builder().reconnectMinDelay(Duration.ofSeconds(10)).build())
        .hasMessage("reconnectMinDelay must be <= reconnectMaxDelay, was PT10S > PT5S");
  }
}
