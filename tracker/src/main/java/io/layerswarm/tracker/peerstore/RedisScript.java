package io.layerswarm.tracker.peerstore;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One Lua script of {@link RedisPeerStore}: {@code redis-common.lua} followed by {@code
 * redis-<name>.lua}, both resources next to this class. Runs by SHA-1 ({@code EVALSHA}); when Redis
 * does not know the script (after a restart or {@code SCRIPT FLUSH}) it runs it by source once
 * ({@code EVAL}), which caches it again. Scripts run atomically in Redis.
 */
final class RedisScript {
  private final String name;
  private final String source;
  private final String sha;

  private RedisScript(String name, String source) {
    this.name = name;
    this.source = source;
    this.sha = sha1Hex(source);
  }

  static RedisScript load(String name) {
    return new RedisScript(
        name, resource("redis-common.lua") + "\n" + resource("redis-" + name + ".lua"));
  }

  String name() {
    return name;
  }

  <T> T run(
      RedisCommands<String, String> redis, ScriptOutputType type, String[] keys, String... args) {
    try {
      return redis.evalsha(sha, type, keys, args);
    } catch (RedisNoScriptException e) {
      return redis.eval(source, type, keys, args);
    }
  }

  private static String resource(String file) {
    try (InputStream in = RedisScript.class.getResourceAsStream(file)) {
      if (in == null) {
        throw new IllegalStateException(
            "missing resource " + file + " next to " + RedisScript.class.getName());
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("read resource " + file, e);
    }
  }

  private static String sha1Hex(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-1 is required of every JVM", e);
    }
  }
}
