package io.layerswarm.registry.notify;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.registry.FuzzJson;
import io.layerswarm.testing.fuzz.FuzzTarget;
import io.layerswarm.testing.fuzz.Mutations;
import io.layerswarm.testing.fuzz.TreeMutations;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Fuzz target: {@link NotificationEnvelope#parse}, the body of {@code POST /notifications}, which a
 * registry (or anyone who holds the token) sends. Inputs are envelopes as distribution writes them,
 * changed by edits on the JSON tree and on the bytes. Parsing either gives events whose accessors
 * answer, or throws {@link NotificationFormatException}.
 */
class NotificationEnvelopeFuzzTest {
  /** Envelopes as distribution 2.8 sends them: a manifest push, a blob push, a pull, a delete. */
  static final List<String> SEEDS =
      List.of(
          """
          {"events":[{"id":"320678d8","timestamp":"2016-03-09T14:44:26Z","action":"push",
            "target":{"mediaType":"application/vnd.docker.distribution.manifest.v2+json",
              "size":708,"digest":"%1$s","length":708,"repository":"hello-world",
              "url":"http://192.168.100.227:5000/v2/hello-world/manifests/%1$s","tag":"latest"},
            "request":{"id":"6df24a34","addr":"192.168.64.11:42961","host":"192.168.100.227:5000",
              "method":"PUT","useragent":"curl/7.38.0"},
            "actor":{},"source":{"addr":"xtal.local:5000","instanceID":"a53db899"}}]}
          """
              .formatted(FuzzJson.DIGEST),
          """
          {"events":[
            {"action":"push","target":{"mediaType":"application/octet-stream","digest":"%1$s",
              "repository":"app"},"request":{"host":"127.0.0.1:5000"}},
            {"action":"pull","target":{"mediaType":"application/vnd.oci.image.index.v1+json",
              "digest":"%1$s","repository":"library/app"}},
            {"action":"delete","target":{"digest":"%1$s","repository":"app"}}]}
          """
              .formatted(FuzzJson.DIGEST),
          "{\"events\":[]}");

  static final List<String> KEYS =
      List.of(
          "events",
          "action",
          "target",
          "request",
          "mediaType",
          "digest",
          "repository",
          "url",
          "tag",
          "host");

  @FuzzTarget
  void anyBodyParsesToEventsOrFailsWithANotificationFormatException(@ForAll("bodies") byte[] body) {
    NotificationEnvelope envelope;
    try {
      envelope = NotificationEnvelope.parse(body);
    } catch (NotificationFormatException e) {
      assertThat(e.getMessage()).startsWith("read notification");
      return;
    }
    for (NotificationEvent event : envelope.events()) {
      if (event.isManifestPush()) {
        assertThat(event.digest()).isPresent();
        assertThat(event.repository()).isPresent();
      }
      event.urlHost().ifPresent(host -> assertThat(host).isNotEmpty());
    }
  }

  /** Envelopes edited as JSON trees (staying JSON), as bytes, and both. */
  @Provide
  static Arbitrary<byte[]> bodies() {
    List<byte[]> tokens = Mutations.utf8(FuzzJson.TOKENS);
    Arbitrary<byte[]> trees =
        TreeMutations.of(FuzzJson.trees(SEEDS), FuzzJson.LEAVES, KEYS, FuzzJson::bytes);
    return Arbitraries.frequencyOf(
        Tuple.of(1, Mutations.bytes(FuzzJson.utf8(SEEDS), tokens)),
        Tuple.of(2, trees),
        Tuple.of(1, Mutations.bytes(trees, tokens)));
  }
}
