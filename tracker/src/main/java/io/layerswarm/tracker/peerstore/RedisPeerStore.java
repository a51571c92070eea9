package io.layerswarm.tracker.peerstore;

import io.layerswarm.core.metainfo.InfoHash;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link PeerStore} in Redis (6.2 or later), so that several tracker replicas share their swarms:
 * a peer that announced to one replica is handed out by every other.
 *
 * <p>Data model, per swarm, under the base key {@value #KEY_PREFIX}{@code <info hash hex>}. A peer
 * is keyed by its address {@code <ip>|<port>}, never by its peer id (see {@link
 * PeerStore#announce}):
 *
 * <ul>
 *   <li>the base key: a hash from address to the encoded peer ({@code <peer id hex>|<S|L>|<zone>|
 *       <rack>}, see {@link PeerRecord});
 *   <li>{@code :seeds} and {@code :leechers}: sorted sets of addresses scored by expiry (epoch
 *       milliseconds), so counts are two {@code ZCOUNT}s and expired entries are trimmed by score;
 *   <li>{@code :ids}: a hash from {@code <ip>|<peer id hex>} to address, so a peer that comes back
 *       from the same ip on another port replaces its old entry;
 *   <li>{@code :downloaded}: the count of {@code completed} events.
 * </ul>
 *
 * The sorted set {@value #INDEX_KEY} lists the swarms scored by their latest expiry, for {@link
 * #sweep}, {@link #stats} and the swarm limit. For the {@link PeerLimits}, {@value #PEERS_KEY}
 * holds every entry ({@code <hex>|<ip>|<port>}) and {@value #ADDRESS_PREFIX}{@code <ip>} every
 * entry of one ip ({@code <hex>|<port>}), both scored by expiry. Every change runs as one Lua
 * script, so it is atomic, and a refused announce changes nothing. The {@code v2} in the names
 * keeps this layout apart from the one of earlier versions, which keyed peers by id.
 *
 * <p>Times: every expiry and every "now" comes from the caller (the tracker's injected clock); the
 * scripts never read Redis {@code TIME}. Each key also gets a Redis TTL of the swarm's latest
 * expiry plus {@link Options#keyTtlMargin()}, a safety net for when no tracker sweeps.
 *
 * <p>Large swarms: {@link #select} fetches {@link PeerSelector#sampleSize} candidates, at most
 * {@link Options#candidateCap()} (of seeds and of leechers a run of consecutive entries by expiry
 * from a random place, so every live peer is as likely to be drawn; half seeds and half leechers
 * when both have enough) and runs {@link PeerSelector} on those in Java. Topology preference
 * therefore applies within the sample.
 *
 * <p>Threads and failures: one Lettuce connection (Netty based, thread-safe, pipelined) serves
 * every caller; calls block their thread for at most {@link Options#commandTimeout()}. While Redis
 * is unreachable, calls fail at once with {@link PeerStoreUnavailableException} and Lettuce
 * reconnects in the background (backoff 10 ms doubling to 1 s). Standalone Redis, directly or
 * through Sentinel (a failover is a disconnect: Sentinel drops the clients of a demoted master, the
 * reconnect asks the sentinels for the new one, and {@link RedisScript} loads the scripts again on
 * the new master, which answers {@code NOSCRIPT} at first). Not Redis Cluster: the scripts derive
 * key names, which Redis Cluster does not allow.
 */
public final class RedisPeerStore implements PeerStore {
  /** Prefix of every swarm's keys. */
  public static final String KEY_PREFIX = "layerswarm:v2:swarm:";

  /** The index of swarms by latest expiry. */
  public static final String INDEX_KEY = "layerswarm:v2:swarms";

  /** Every entry of every swarm, by expiry: the count behind {@code tracker.max-peers}. */
  public static final String PEERS_KEY = "layerswarm:v2:peers";

  /** Prefix of the per-ip sets behind {@code tracker.max-peers-per-address}. */
  public static final String ADDRESS_PREFIX = "layerswarm:v2:address:";

  private static final int SWEEP_PAGE = 200;
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(2);
  private static final Logger log = LoggerFactory.getLogger(RedisPeerStore.class);

  /**
   * @param commandTimeout the longest a call waits for Redis (also the connect timeout)
   * @param candidateCap the most peers fetched per {@link #select} (raised to numwant + 1 when an
   *     announce asks for more), 1..10000
   * @param keyTtlMargin how much longer than the swarm's latest expiry its keys live in Redis
   */
  public record Options(Duration commandTimeout, int candidateCap, Duration keyTtlMargin) {
    /** 2 s command timeout, 500 candidates, 60 s TTL margin. */
    public static final Options DEFAULTS =
        new Options(Duration.ofSeconds(2), 500, Duration.ofSeconds(60));

    public Options {
      if (commandTimeout == null || commandTimeout.isNegative() || commandTimeout.isZero()) {
        throw new IllegalArgumentException("redis command timeout must be > 0");
      }
      if (candidateCap < 1 || candidateCap > 10_000) {
        throw new IllegalArgumentException(
            "redis candidate cap must be 1..10000, got " + candidateCap);
      }
      if (keyTtlMargin == null || keyTtlMargin.isNegative()) {
        throw new IllegalArgumentException("redis key TTL margin must be >= 0");
      }
    }
  }

  private static final RedisScript ANNOUNCE = RedisScript.load("announce");
  private static final RedisScript SELECT = RedisScript.load("select");
  private static final RedisScript COUNTS = RedisScript.load("counts");
  private static final RedisScript SWEEP = RedisScript.load("sweep");
  private static final RedisScript STATS = RedisScript.load("stats");
  private static final RedisScript SWARMS = RedisScript.load("swarms");
  private static final RedisScript PEERS = RedisScript.load("peers");

  /** Swarms counted per {@link #swarms} script call, so no single call holds Redis for long. */
  private static final int LIST_PAGE = 200;

  private final String where;
  private final Options options;
  private final PeerLimits limits;
  private final ClientResources resources;
  private final RedisClient client;
  private final StatefulRedisConnection<String, String> connection;
  private final RedisCommands<String, String> redis;
  private final AtomicBoolean available = new AtomicBoolean(true);
  private final AtomicBoolean closed = new AtomicBoolean();

  private RedisPeerStore(
      String where,
      Options options,
      PeerLimits limits,
      ClientResources resources,
      RedisClient client,
      StatefulRedisConnection<String, String> connection) {
    this.where = where;
    this.options = options;
    this.limits = limits;
    this.resources = resources;
    this.client = client;
    this.connection = connection;
    this.redis = connection.sync();
  }

  /** {@link #connect(URI, Options, PeerLimits)} with the defaults of both. */
  public static RedisPeerStore connect(URI redis) throws PeerStoreUnavailableException {
    return connect(redis, Options.DEFAULTS, PeerLimits.DEFAULTS);
  }

  /** {@link #connect(URI, Options, PeerLimits)} with {@link PeerLimits#DEFAULTS}. */
  public static RedisPeerStore connect(URI redis, Options options)
      throws PeerStoreUnavailableException {
    return connect(redis, options, PeerLimits.DEFAULTS);
  }

  /**
   * Connects to {@code redis} ({@code redis://[:password@]host[:port][/database]}, or {@code
   * rediss://} for TLS) and returns once connected. Through Redis Sentinel with {@code
   * redis-sentinel://[:password@]host:port[,host:port...][/database]#master} (or {@code
   * rediss-sentinel://}): the sentinels are asked for the master's address at connect and at every
   * reconnect, so after a failover the connection follows the new master; the password is the
   * master's (and its replicas'), the sentinels take none.
   *
   * @throws PeerStoreUnavailableException if Redis cannot be reached within the command timeout
   * @throws IllegalArgumentException if the URI is not a Redis URI
   */
  public static RedisPeerStore connect(URI redis, Options options, PeerLimits limits)
      throws PeerStoreUnavailableException {
    RedisURI uri = RedisURI.create(redis);
    uri.setTimeout(options.commandTimeout());
    // Each sentinel is asked for the master at connect and at every reconnect: a dead one must
    // not hold the lookup longer than a command may wait.
    uri.getSentinels().forEach(sentinel -> sentinel.setTimeout(options.commandTimeout()));
    String where = describe(uri);
    ClientResources resources =
        DefaultClientResources.builder()
            .ioThreadPoolSize(2)
            .computationThreadPoolSize(2)
            .reconnectDelay(
                Delay.exponential(
                    Duration.ofMillis(10), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
            .build();
    RedisClient client = RedisClient.create(resources, uri);
    client.setOptions(
        ClientOptions.builder()
            .autoReconnect(true)
            // Fail at once while disconnected instead of queueing: the announce gets a failure
            // reason and the client tries its next tracker.
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .socketOptions(
                SocketOptions.builder()
                    .connectTimeout(options.commandTimeout())
                    .keepAlive(true)
                    .build())
            .timeoutOptions(TimeoutOptions.enabled(options.commandTimeout()))
            .build());
    try {
      StatefulRedisConnection<String, String> connection = client.connect();
      log.info("peer store connected to {}", where);
      return new RedisPeerStore(where, options, limits, resources, client, connection);
    } catch (RedisException e) {
      shutdown(client, resources);
      throw new PeerStoreUnavailableException("connect to " + where + " failed: " + message(e), e);
    }
  }

  @Override
  public void announce(
      InfoHash infoHash, Peer peer, AnnounceEvent event, Instant now, Instant expiresAt)
      throws PeerStoreUnavailableException, PeerStoreFullException {
    String hex = infoHash.hex();
    String outcome =
        call(
            "announce to swarm " + hex,
            () ->
                ANNOUNCE.run(
                    redis,
                    ScriptOutputType.VALUE,
                    new String[] {KEY_PREFIX + hex, INDEX_KEY, PEERS_KEY},
                    hex,
                    PeerRecord.address(peer.address()),
                    PeerRecord.encode(peer),
                    peer.complete() ? "1" : "0",
                    event.name().toLowerCase(Locale.ROOT),
                    Long.toString(expiresAt.toEpochMilli()),
                    Long.toString(now.toEpochMilli()),
                    Long.toString(options.keyTtlMargin().toSeconds()),
                    ADDRESS_PREFIX,
                    Integer.toString(limits.maxSwarms()),
                    Integer.toString(limits.maxPeers()),
                    Integer.toString(limits.maxPeersPerSwarm()),
                    Integer.toString(limits.maxPeersPerAddress())));
    if (!"ok".equals(outcome)) {
      for (PeerLimits.Limit limit : PeerLimits.Limit.values()) {
        if (limit.scriptName().equals(outcome)) {
          throw limit.exceeded(limits);
        }
      }
      throw new IllegalStateException("the announce script answered '" + outcome + "'");
    }
  }

  @Override
  public List<Peer> select(InfoHash infoHash, Peer asker, int numwant, Instant now)
      throws PeerStoreUnavailableException {
    if (numwant <= 0) {
      return List.of();
    }
    List<Peer> candidates =
        candidates(infoHash, now, PeerSelector.sampleSize(numwant, options.candidateCap()));
    return PeerSelector.select(candidates, asker, numwant, ThreadLocalRandom.current());
  }

  /** The live peers {@link #select} chooses from: all, or a sample of at most {@code cap}. */
  List<Peer> candidates(InfoHash infoHash, Instant now, int cap)
      throws PeerStoreUnavailableException {
    String hex = infoHash.hex();
    List<Object> flat =
        call(
            "select peers of swarm " + hex,
            () ->
                SELECT.run(
                    redis,
                    ScriptOutputType.MULTI,
                    new String[] {KEY_PREFIX + hex},
                    Long.toString(now.toEpochMilli()),
                    Integer.toString(cap)));
    List<Peer> peers = new ArrayList<>(flat.size() / 2);
    for (int i = 0; i + 1 < flat.size(); i += 2) {
      String address = (String) flat.get(i);
      String record = (String) flat.get(i + 1);
      try {
        peers.add(PeerRecord.decode(address, record));
      } catch (IllegalArgumentException e) {
        log.warn("skipping peer {} of swarm {} in {}: {}", address, hex, where, e.getMessage());
      }
    }
    return peers;
  }

  @Override
  public SwarmCounts counts(InfoHash infoHash, Instant now) throws PeerStoreUnavailableException {
    String hex = infoHash.hex();
    List<Object> counts =
        call(
            "count peers of swarm " + hex,
            () ->
                COUNTS.run(
                    redis,
                    ScriptOutputType.MULTI,
                    new String[] {KEY_PREFIX + hex},
                    Long.toString(now.toEpochMilli())));
    return new SwarmCounts(toInt(counts.get(0)), toInt(counts.get(1)), (Long) counts.get(2));
  }

  /**
   * Walks the swarm index in pages of {@value #SWEEP_PAGE} swarms, one script each, so no single
   * script holds Redis for long. Every replica may sweep; sweeping twice is harmless.
   */
  @Override
  public int sweep(Instant now) throws PeerStoreUnavailableException {
    String nowMillis = Long.toString(now.toEpochMilli());
    String margin = Long.toString(options.keyTtlMargin().toSeconds());
    long removed = 0;
    long first = 0;
    while (true) {
      long from = first;
      List<Object> page =
          call(
              "sweep expired peers",
              () ->
                  SWEEP.run(
                      redis,
                      ScriptOutputType.MULTI,
                      new String[] {INDEX_KEY, PEERS_KEY},
                      KEY_PREFIX,
                      nowMillis,
                      margin,
                      Long.toString(from),
                      Integer.toString(SWEEP_PAGE),
                      ADDRESS_PREFIX));
      removed += (Long) page.get(0);
      // Deleted swarms leave the index, so the next page starts after the ones kept.
      first += (Long) page.get(2);
      if ((Long) page.get(1) < SWEEP_PAGE) {
        return (int) Math.min(removed, Integer.MAX_VALUE);
      }
    }
  }

  @Override
  public StoreStats stats(Instant now) throws PeerStoreUnavailableException {
    List<Object> stats =
        call(
            "count live swarms and peers",
            () ->
                STATS.run(
                    redis,
                    ScriptOutputType.MULTI,
                    new String[] {INDEX_KEY},
                    KEY_PREFIX,
                    Long.toString(now.toEpochMilli())));
    return new StoreStats(toInt(stats.get(0)), toInt(stats.get(1)));
  }

  /**
   * Reads the swarm index ({@code ZRANGEBYSCORE}, swarms whose latest expiry is after now), then
   * counts those swarms in pages of {@value #LIST_PAGE}, one read-only script each. A swarm that
   * changes in between shows as it was when its page ran.
   */
  @Override
  public List<SwarmSummary> swarms(Instant now) throws PeerStoreUnavailableException {
    String nowMillis = Long.toString(now.toEpochMilli());
    List<String> hexes =
        call("list swarms", () -> redis.zrangebyscore(INDEX_KEY, "(" + nowMillis, "+inf"));
    List<SwarmSummary> live = new ArrayList<>(hexes.size());
    for (int from = 0; from < hexes.size(); from += LIST_PAGE) {
      List<String> args = new ArrayList<>(LIST_PAGE + 2);
      args.add(KEY_PREFIX);
      args.add(nowMillis);
      args.addAll(hexes.subList(from, Math.min(from + LIST_PAGE, hexes.size())));
      List<Object> page =
          call(
              "count listed swarms",
              () ->
                  SWARMS.run(
                      redis, ScriptOutputType.MULTI, new String[0], args.toArray(String[]::new)));
      for (int i = 0; i + 3 < page.size(); i += 4) {
        String hex = (String) page.get(i);
        try {
          live.add(
              new SwarmSummary(
                  InfoHash.fromHex(hex),
                  new SwarmCounts(
                      toInt(page.get(i + 1)), toInt(page.get(i + 2)), (Long) page.get(i + 3))));
        } catch (IllegalArgumentException e) {
          log.warn("skipping swarm '{}' in the index of {}: {}", hex, where, e.getMessage());
        }
      }
    }
    return live;
  }

  @Override
  public List<PeerEntry> peers(InfoHash infoHash, Instant now, int limit)
      throws PeerStoreUnavailableException {
    if (limit <= 0) {
      return List.of();
    }
    String hex = infoHash.hex();
    List<Object> flat =
        call(
            "list peers of swarm " + hex,
            () ->
                PEERS.run(
                    redis,
                    ScriptOutputType.MULTI,
                    new String[] {KEY_PREFIX + hex},
                    Long.toString(now.toEpochMilli()),
                    Integer.toString(limit)));
    List<PeerEntry> peers = new ArrayList<>(flat.size() / 3);
    for (int i = 0; i + 2 < flat.size(); i += 3) {
      String address = (String) flat.get(i);
      String record = (String) flat.get(i + 1);
      try {
        long expires = (long) Double.parseDouble((String) flat.get(i + 2));
        peers.add(new PeerEntry(PeerRecord.decode(address, record), Instant.ofEpochMilli(expires)));
      } catch (IllegalArgumentException e) {
        log.warn("skipping peer {} of swarm {} in {}: {}", address, hex, where, e.getMessage());
      }
    }
    peers.sort(PeerEntry.ORDER);
    return peers;
  }

  /** Where the store is, {@code redis://host:port/db}, without any password. */
  public String location() {
    return where;
  }

  /** {@code PING}. */
  @Override
  public void check() throws PeerStoreUnavailableException {
    call("ping", redis::ping);
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      connection.close();
    } catch (RuntimeException e) {
      log.debug("closing the connection to {} failed", where, e);
    }
    shutdown(client, resources);
    log.info("peer store disconnected from {}", where);
  }

  /** {@code redis redis://host:port/db}, as the tracker's start line names its store. */
  @Override
  public String toString() {
    return "redis " + where;
  }

  private <T> T call(String action, Supplier<T> operation) throws PeerStoreUnavailableException {
    T result;
    try {
      result = operation.get();
    } catch (RedisException e) {
      if (available.compareAndSet(true, false)) {
        log.warn("peer store {} is unavailable: {} failed: {}", where, action, message(e));
      }
      throw new PeerStoreUnavailableException(
          action + " in " + where + " failed: " + message(e), e);
    }
    if (available.compareAndSet(false, true)) {
      log.info("peer store {} is available again", where);
    }
    return result;
  }

  private static int toInt(Object value) {
    return (int) Math.min((Long) value, Integer.MAX_VALUE);
  }

  private static String message(RedisException e) {
    Throwable cause = e;
    while (cause.getMessage() == null && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause.getMessage() == null ? e.getClass().getSimpleName() : cause.getMessage();
  }

  /**
   * {@code redis://host:port/db}, or {@code redis-sentinel://host:port,host:port/db#master},
   * without any password.
   */
  static String describe(RedisURI uri) {
    if (uri.getSentinels().isEmpty()) {
      return (uri.isSsl() ? "rediss://" : "redis://")
          + uri.getHost()
          + ":"
          + uri.getPort()
          + "/"
          + uri.getDatabase();
    }
    StringJoiner sentinels =
        new StringJoiner(
            ",",
            uri.isSsl() ? "rediss-sentinel://" : "redis-sentinel://",
            "/" + uri.getDatabase() + "#" + uri.getSentinelMasterId());
    uri.getSentinels().forEach(s -> sentinels.add(s.getHost() + ":" + s.getPort()));
    return sentinels.toString();
  }

  private static void shutdown(RedisClient client, ClientResources resources) {
    try {
      client.shutdown(Duration.ZERO, CLOSE_TIMEOUT);
    } catch (RuntimeException e) {
      log.debug("redis client shutdown failed", e);
    }
    resources
        .shutdown(0, CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
        .awaitUninterruptibly(CLOSE_TIMEOUT.toMillis() * 2);
  }
}
