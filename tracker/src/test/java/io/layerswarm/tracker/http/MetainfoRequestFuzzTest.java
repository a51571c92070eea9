package io.layerswarm.tracker.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.core.Digest;
import io.layerswarm.testing.fuzz.FuzzTarget;
import io.layerswarm.testing.fuzz.Mutations;
import io.layerswarm.testing.fuzz.QueryMutations;
import io.layerswarm.tracker.announce.Parsed;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Provide;

/**
 * Fuzz target: the metainfo request, {@code GET /metainfo/sha256:<hex>?registry=..&repo=..}, as the
 * tracker parses it before it asks a seeder for anything. Paths and queries are an agent's, changed
 * by edits on the query's pairs and on the text. Parsing never throws: it gives a request whose
 * digest, registry and repository are valid, or names the parameter that is not.
 */
class MetainfoRequestFuzzTest {
  private static final String HEX = "3c".repeat(32);

  @FuzzTarget
  void anyMetainfoRequestIsValidOrNamesItsBadParameter(
      @ForAll("digests") String digest, @ForAll("queries") String query) {
    Parsed<MetainfoRequest> parsed =
        MetainfoRequest.parse(MetainfoRequest.PATH_PREFIX + digest, query);

    if (parsed instanceof Parsed.Invalid<MetainfoRequest> invalid) {
      assertThat(invalid.parameter()).isIn("digest", "query", "registry", "repo");
      assertThat(invalid.message()).isNotBlank();
    } else {
      MetainfoRequest request = ((Parsed.Valid<MetainfoRequest>) parsed).value();
      assertThat(Digest.parse(request.digest().toString())).isEqualTo(request.digest());
      assertThat(request.registry()).isNotEmpty().hasSizeLessThanOrEqualTo(255);
    }
  }

  @Provide
  static Arbitrary<String> digests() {
    return Mutations.text(
        List.of("sha256:" + HEX, "sha256:" + HEX.toUpperCase(), "sha512:" + HEX + HEX),
        List.of(":", "%3A", "sha256", "/", "..", "\u00e9", "0"));
  }

  @Provide
  static Arbitrary<String> queries() {
    return QueryMutations.of(
        List.of(
            "registry=registry.test:5000&repo=team/app",
            "registry=%5B%3A%3A1%5D%3A5000&repo=a/b/c",
            "repo=library/app&registry=docker.io&x=y"),
        List.of(
            "",
            "[::1]",
            "[::1]:99999",
            "host:0",
            "host:65536",
            "a".repeat(64) + ".test",
            "a.".repeat(130),
            "-host",
            "%zz",
            "%",
            "Team/App",
            "a//b",
            "a/" + "b".repeat(256),
            "../etc"),
        List.of("%", "%zz", "&", "=", "+", ";", "#", "%00", "\u00e9", "\u0100"));
  }
}
