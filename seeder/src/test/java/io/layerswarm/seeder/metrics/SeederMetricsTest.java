package io.layerswarm.seeder.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.core.Digest;
import io.layerswarm.seeder.evict.Eviction;
import io.layerswarm.swarm.EngineConfig;
import io.layerswarm.swarm.SwarmEngine;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SeederMetricsTest {
  @Test
  void theOriginByteCounterSurvivesGarbageCollection() throws Exception {
    AtomicLong bytes = new AtomicLong(4242);
    try (SeederMetrics metrics = new SeederMetrics();
        SwarmEngine engine =
            SwarmEngine.start(EngineConfig.defaults(new InetSocketAddress("127.0.0.1", 0)))) {
      metrics.bind(
          bytes::get,
          engine,
          new SeederMetrics.StoreStats() {
            @Override
            public long blobs() {
              return 3;
            }

            @Override
            public long bytes() {
              return 9000;
            }
          });
      for (int i = 0; i < 3; i++) {
        System.gc(); // Micrometer holds function meters' state weakly
      }

      assertThat(metrics.scrape())
          .contains("seeder_origin_bytes_total 4242.0")
          .contains("seeder_blobs 3.0")
          .contains("seeder_stored_bytes 9000.0");
    }
  }

  @Test
  void everyLabelledSeriesStartsAtZeroAndEvictionsCountBlobsAndBytes() {
    try (SeederMetrics metrics = new SeederMetrics()) {
      assertThat(metrics.scrape())
          .contains("seeder_evictions_total{reason=\"disk\"} 0.0")
          .contains("seeder_preheat_blobs_total{result=\"failed\"} 0.0")
          .contains("seeder_notification_events_total{result=\"dropped\"} 0.0");

      metrics.evicted(new Eviction(Digest.sha256(new byte[0]), 1000, Eviction.Reason.IDLE));

      assertThat(metrics.scrape())
          .contains("seeder_evictions_total{reason=\"idle\"} 1.0")
          .contains("seeder_evicted_bytes_total{reason=\"idle\"} 1000.0");
    }
  }
}
