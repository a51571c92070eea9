package io.layerswarm.tracker.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.core.Digest;
import io.layerswarm.registry.RepositoryName;
import io.layerswarm.tracker.announce.Parsed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MetainfoRequestTest {
  private static final String HEX = "a".repeat(64);

  private static Parsed<MetainfoRequest> parse(String target) {
    RequestTarget t = RequestTarget.of(target);
    return MetainfoRequest.parse(t.path(), t.rawQuery());
  }

  @Test
  void aValidRequestNamesDigestRegistryAndRepository() {
    Parsed<MetainfoRequest> parsed =
        parse(
            "/metainfo/sha256:" + HEX + "?registry=registry.example.com%3A5000&repo=library%2Fapp");

    assertThat(parsed)
        .isEqualTo(
            Parsed.valid(
                new MetainfoRequest(
                    new Digest("sha256", HEX),
                    "registry.example.com:5000",
                    new RepositoryName("library/app"))));
  }

  @Test
  void anEscapedColonInTheDigestIsAccepted() {
    assertThat(parse("/metainfo/sha256%3A" + HEX + "?registry=r&repo=a"))
        .isInstanceOf(Parsed.Valid.class);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "/metainfo/sha256:abc?registry=r&repo=a|digest",
        "/metainfo/md5:" + "a" + "?registry=r&repo=a|digest",
        "/metainfo/sha256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA?registry=r&repo=a|digest",
        "/metainfo/?registry=r&repo=a|digest",
        "/metainfo/sha256:HEX?repo=a|registry",
        "/metainfo/sha256:HEX?registry=&repo=a|registry",
        "/metainfo/sha256:HEX?registry=bad_host&repo=a|registry",
        "/metainfo/sha256:HEX?registry=host:70000&repo=a|registry",
        "/metainfo/sha256:HEX?registry=a&registry=b&repo=a|registry",
        "/metainfo/sha256:HEX?registry=r|repo",
        "/metainfo/sha256:HEX?registry=r&repo=Library/App|repo",
        "/metainfo/sha256:HEX?registry=r&repo=a%ZZ|query",
      })
  void badInputIsRejectedNamingTheParameter(String target, String parameter) {
    Parsed<MetainfoRequest> parsed = parse(target.replace("HEX", HEX));

    assertThat(parsed)
        .isInstanceOfSatisfying(
            Parsed.Invalid.class, invalid -> assertThat(invalid.parameter()).isEqualTo(parameter));
  }

  @Test
  void ipv6RegistriesWithPortsAreAccepted() {
    assertThat(parse("/metainfo/sha256:" + HEX + "?registry=%5B::1%5D:5000&repo=a"))
        .isInstanceOf(Parsed.Valid.class);
  }
}
