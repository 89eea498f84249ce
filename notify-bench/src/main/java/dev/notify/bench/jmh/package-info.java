/**
 * JMH benchmarks of the hot paths: {@link dev.notify.bench.jmh.ProtocolBenchmark} (Engine.IO / Socket.IO encode
 * and decode), {@link dev.notify.bench.jmh.BroadcastBenchmark} (a broadcast to a room of 10,000 sockets),
 * {@link dev.notify.bench.jmh.RoomsBenchmark} (room join and leave at 100,000 sockets) and
 * {@link dev.notify.bench.jmh.RedisCodecBenchmark} (the Redis message of a broadcast, encode and decode).
 *
 * <p>Run: {@code java -cp 'notify-bench/target/notify-bench.jar:notify-bench/target/lib/*' org.openjdk.jmh.Main}
 * (see README, "Benchmarks").
 */
package dev.notify.bench.jmh;
