package io.layerswarm.swarm.log;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.layerswarm.core.metainfo.Metainfo;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.slf4j.event.KeyValuePair;

class LogKeysTest {
  private static final String SHA256_HEX =
      "83f64e5c1d0b2a3e4f5061728394a5b6c7d8e9f00112233445566778899aabbc";

  @TempDir Path dir;
  private final Logger logger = (Logger) LoggerFactory.getLogger(LogKeysTest.class);
  private final ListAppender<ILoggingEvent> events = new ListAppender<>();

  @BeforeEach
  void capture() {
    events.start();
    logger.addAppender(events);
    logger.setAdditive(false);
    logger.setLevel(Level.DEBUG);
  }

  @AfterEach
  void release() {
    logger.detachAppender(events);
    logger.setAdditive(true);
    logger.setLevel(null);
  }

  private Metainfo named(String name) throws Exception {
    Path file = Files.write(dir.resolve("blob"), new byte[1000]);
    return Metainfo.create(file, name, List.of(), 16 * 1024);
  }

  private Map<String, Object> keysOfTheOnlyEvent() {
    assertThat(events.list).hasSize(1);
    Map<String, Object> keys = new LinkedHashMap<>();
    for (KeyValuePair pair : events.list.get(0).getKeyValuePairs()) {
      keys.put(pair.key, pair.value);
    }
    return keys;
  }

  @Test
  void aTorrentNamedByABlobDigestCarriesTheDigestAndTheInfoHash() throws Exception {
    Metainfo metainfo = named(SHA256_HEX);

    LogKeys.torrent(logger.atInfo(), metainfo).log("piece failed");

    assertThat(keysOfTheOnlyEvent())
        .containsExactly(
            Map.entry("digest", "sha256:" + SHA256_HEX),
            Map.entry("torrent", metainfo.infoHash().hex()));
    assertThat(events.list.get(0).getFormattedMessage()).isEqualTo("piece failed");
  }

  @Test
  void aTorrentWithAnotherNameCarriesOnlyTheInfoHash() throws Exception {
    Metainfo metainfo = named("blob");

    LogKeys.torrent(logger.atInfo(), metainfo).log("complete");

    assertThat(keysOfTheOnlyEvent())
        .containsExactly(Map.entry("torrent", metainfo.infoHash().hex()));
  }

  @Test
  void aPeerIsIpColonPortWithIpv6InBrackets() {
    LogKeys.peer(logger.atDebug(), new InetSocketAddress("10.0.0.2", 6881)).log("closed");
    LogKeys.peer(logger.atDebug(), new InetSocketAddress("fd00::7", 6882)).log("closed");

    assertThat(events.list)
        .extracting(e -> e.getKeyValuePairs().get(0).value)
        .containsExactly("10.0.0.2:6881", "[fd00:0:0:0:0:0:0:7]:6882");
  }
}
