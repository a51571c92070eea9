package io.layerswarm.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.testbed.EndToEndPull;
import io.layerswarm.testbed.TestbedDirs;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The backbone: a real image pulled with skopeo through two agents, from the real
 * docker-registry, with tracker, seeder and agents as separate processes of the built
 * distribution.
 */
class EndToEndPullIT {

    static Path dist() {
        return Path.of(System.getProperty("layerswarm.dist", "../cli/target/layerswarm")).toAbsolutePath();
    }

    @Test
    void twoAgentsPullEveryLayerThroughTheSwarmAndTheOriginSendsEachBlobOnceToTheSeeder() throws Exception {
        Path work = TestbedDirs.create("end-to-end");
        try (EndToEndPull run = new EndToEndPull(
                new EndToEndPull.Options(dist(), work, 24L << 20, 4, 2, System.out))) {
            EndToEndPull.Summary summary = run.run();
            summary.print(System.out);

            for (EndToEndPull.Pull pull : summary.pulls()) {
                assertThat(pull.ok()).as("skopeo through agent %d: %s", pull.agent(), pull.output()).isTrue();
                assertThat(pull.blobDigests()).as("blobs pulled through agent %d", pull.agent())
                        .isEqualTo(summary.imageBlobDigests());
            }
            assertThat(summary.originBlobGetsByAgents()).as("blob GETs the agents sent to the origin").isZero();
            assertThat(summary.originBlobGetsByDigest().keySet()).isEqualTo(summary.imageBlobDigests());
            assertThat(summary.originBlobGetsByDigest().values()).as("origin GETs per blob").containsOnly(1L);
            assertThat(summary.originBlobBytes()).isEqualTo(summary.imageBlobBytes());
            assertThat(summary.originBlobBytesBy().keySet()).allMatch(ua -> ua.startsWith("layerswarm-seeder/"));
        }
    }
}
