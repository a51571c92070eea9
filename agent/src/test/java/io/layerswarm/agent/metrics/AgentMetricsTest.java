package io.layerswarm.agent.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.agent.cache.CachePolicy;
import io.layerswarm.agent.metrics.AgentMetrics.BlobResult;
import io.layerswarm.agent.metrics.AgentMetrics.ManifestResult;
import io.layerswarm.agent.mirror.TransferProgress;
import io.layerswarm.agent.mirror.TransferProgress.Phase;
import io.layerswarm.core.Digest;
import io.layerswarm.swarm.Traffic;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AgentMetricsTest {
  private final AgentMetrics metrics = new AgentMetrics();

  @AfterEach
  void close() {
    metrics.close();
  }

  private static Digest digest(String seed) {
    return Digest.sha256(seed.getBytes(StandardCharsets.UTF_8));
  }

  private static TransferProgress transfer(String seed, Phase phase) {
    return new TransferProgress(digest(seed), phase, 0, OptionalLong.empty());
  }

  @Test
  void everyLabelledSeriesExistsFromTheStartAtZero() {
    metrics.bindPeerTraffic(() -> Traffic.ZERO);
    PrometheusText text = PrometheusText.parse(metrics.scrape());

    for (String result : List.of("hit", "miss", "not_found", "error")) {
      assertThat(text.value("agent_blob_requests_total", "result", result)).isZero();
    }
    for (String result : List.of("ok", "not_found", "error")) {
      assertThat(text.value("agent_manifest_requests_total", "result", result)).isZero();
    }
    for (String reason : List.of("idle", "budget")) {
      assertThat(text.value("agent_cache_evictions_total", "reason", reason)).isZero();
      assertThat(text.value("agent_cache_evicted_bytes_total", "reason", reason)).isZero();
    }
    for (String phase : List.of("metainfo", "swarm", "verifying", "origin")) {
      assertThat(text.value("agent_transfers", "phase", phase)).isZero();
    }
    for (String name :
        List.of(
            "agent_torrents",
            "agent_peer_connections",
            "agent_cache_bytes",
            "agent_cached_blobs",
            "agent_peer_uploaded_bytes_total",
            "agent_peer_downloaded_bytes_total",
            "agent_peer_duplicate_bytes_total")) {
      assertThat(text.value(name)).as(name).isZero();
    }
    assertThat(text.type("agent_blob_requests_total")).isEqualTo("counter");
    assertThat(text.type("agent_peer_uploaded_bytes_total")).isEqualTo("counter");
    assertThat(text.type("agent_cache_bytes")).isEqualTo("gauge");
  }

  @Test
  void answersSamplesAndEvictionsMoveTheirMeters() {
    metrics.blobRequest(BlobResult.HIT);
    metrics.blobRequest(BlobResult.HIT);
    metrics.blobRequest(BlobResult.MISS);
    metrics.manifestRequest(ManifestResult.NOT_FOUND);
    metrics.bindPeerTraffic(() -> new Traffic(1000, 2000, 30));
    metrics.sampled(
        new AgentMetrics.Sample(
            3,
            7,
            List.of(
                transfer("a", Phase.SWARM),
                transfer("b", Phase.SWARM),
                transfer("c", Phase.ORIGIN))));
    metrics.cacheMeasured(5_000_000, 4);
    metrics.evicted(
        List.of(
            new CachePolicy.Eviction(digest("d"), 300, CachePolicy.Reason.IDLE),
            new CachePolicy.Eviction(digest("e"), 200, CachePolicy.Reason.OVER_BUDGET),
            new CachePolicy.Eviction(digest("f"), 100, CachePolicy.Reason.OVER_BUDGET)));
    metrics.evictedOnRequest(4096);

    PrometheusText text = PrometheusText.parse(metrics.scrape());

    assertThat(text.value("agent_blob_requests_total", "result", "hit")).isEqualTo(2);
    assertThat(text.value("agent_blob_requests_total", "result", "miss")).isEqualTo(1);
    assertThat(text.value("agent_manifest_requests_total", "result", "not_found")).isEqualTo(1);
    assertThat(text.value("agent_torrents")).isEqualTo(3);
    assertThat(text.value("agent_peer_connections")).isEqualTo(7);
    assertThat(text.value("agent_peer_uploaded_bytes_total")).isEqualTo(1000);
    assertThat(text.value("agent_peer_downloaded_bytes_total")).isEqualTo(2000);
    assertThat(text.value("agent_peer_duplicate_bytes_total")).isEqualTo(30);
    assertThat(text.value("agent_transfers", "phase", "swarm")).isEqualTo(2);
    assertThat(text.value("agent_transfers", "phase", "origin")).isEqualTo(1);
    assertThat(text.value("agent_transfers", "phase", "metainfo")).isZero();
    assertThat(text.value("agent_cache_bytes")).isEqualTo(5_000_000);
    assertThat(text.value("agent_cached_blobs")).isEqualTo(4);
    assertThat(text.value("agent_cache_evictions_total", "reason", "idle")).isEqualTo(1);
    assertThat(text.value("agent_cache_evictions_total", "reason", "budget")).isEqualTo(2);
    assertThat(text.value("agent_cache_evicted_bytes_total", "reason", "budget")).isEqualTo(300);
    assertThat(text.value("agent_cache_evictions_total", "reason", "request")).isEqualTo(1);
    assertThat(text.value("agent_cache_evicted_bytes_total", "reason", "request")).isEqualTo(4096);
  }

  @Test
  void transfersThatEndedLeaveTheGaugeAtTheNextSample() {
    metrics.sampled(new AgentMetrics.Sample(1, 0, List.of(transfer("a", Phase.ORIGIN))));
    metrics.sampled(new AgentMetrics.Sample(1, 0, List.of()));

    assertThat(PrometheusText.parse(metrics.scrape()).value("agent_transfers", "phase", "origin"))
        .isZero();
  }

  @Test
  void theDrainingGaugeReadsTheDrainAtEachScrape() {
    boolean[] draining = {false};
    metrics.bindDrain(() -> draining[0]);
    assertThat(PrometheusText.parse(metrics.scrape()).value("agent_draining")).isZero();

    draining[0] = true;

    assertThat(PrometheusText.parse(metrics.scrape()).value("agent_draining")).isEqualTo(1);
  }
}
