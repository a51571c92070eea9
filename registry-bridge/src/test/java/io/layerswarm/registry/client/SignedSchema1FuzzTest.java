package io.layerswarm.registry.client;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.registry.FuzzJson;
import io.layerswarm.testing.fuzz.FuzzTarget;
import io.layerswarm.testing.fuzz.Mutations;
import io.layerswarm.testing.fuzz.TreeMutations;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Fuzz target: {@link SignedSchema1#payload}, which takes a signed schema 1 manifest from an
 * upstream apart to check its digest. Inputs are a signed manifest as libtrust writes it, changed
 * by edits on its JSON tree (with protected headers that lie about the payload) and on its bytes.
 * It never throws: it finds the signed payload or says why there is none.
 */
class SignedSchema1FuzzTest {
  private static final byte[] SIGNED =
      HttpUpstreamRegistryTest.signedSchema1(HttpUpstreamRegistryTest.SCHEMA1_PAYLOAD);

  /** Protected headers: right, negative, past the end, not numbers, tails that are not base64. */
  private static final List<String> HEADERS =
      List.of(
          "{\"formatLength\":10,\"formatTail\":\"Cn0\"}",
          "{\"formatLength\":-1,\"formatTail\":\"Cn0\"}",
          "{\"formatLength\":99999999999,\"formatTail\":\"Cn0\"}",
          "{\"formatLength\":1.5,\"formatTail\":\"\"}",
          "{\"formatLength\":\"10\",\"formatTail\":\"Cn0\"}",
          "{\"formatLength\":10,\"formatTail\":\"*!\"}",
          "{\"formatLength\":10}",
          "[]",
          "",
          "null");

  @FuzzTarget
  void anySignedManifestGivesItsPayloadOrAReasonNeverAnException(
      @ForAll("manifests") byte[] manifest) {
    SignedSchema1.Payload payload = SignedSchema1.payload(manifest);

    if (payload.bytes().isEmpty()) {
      assertThat(payload.problem()).isNotBlank();
    } else {
      assertThat(payload.problem()).isEmpty();
    }
  }

  @Provide
  static Arbitrary<byte[]> manifests() {
    List<Object> leaves = new ArrayList<>(FuzzJson.LEAVES);
    for (String header : HEADERS) {
      leaves.add(Base64.getUrlEncoder().withoutPadding().encodeToString(header.getBytes(UTF_8)));
    }
    List<String> seeds = List.of(new String(SIGNED, UTF_8));
    List<byte[]> tokens = Mutations.utf8(FuzzJson.TOKENS);
    Arbitrary<byte[]> trees =
        TreeMutations.of(
            FuzzJson.trees(seeds),
            leaves,
            List.of("signatures", "protected", "header", "signature", "schemaVersion"),
            FuzzJson::bytes);
    return Arbitraries.frequencyOf(
        Tuple.of(1, Mutations.bytes(List.of(SIGNED), tokens)),
        Tuple.of(2, trees),
        Tuple.of(1, Mutations.bytes(trees, tokens)));
  }
}
