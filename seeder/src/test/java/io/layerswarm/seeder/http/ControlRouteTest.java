package io.layerswarm.seeder.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.core.Digest;
import io.layerswarm.registry.RepositoryName;
import org.junit.jupiter.api.Test;

class ControlRouteTest {
  private static final String HEX = "a".repeat(64);

  @Test
  void metainfoRequestYieldsDigestRegistryAndRepository() {
    ControlRoute route =
        ControlRoute.parse(
            "GET", "/metainfo/sha256:" + HEX + "?registry=127.0.0.1:5000&repo=library/app");

    assertThat(route)
        .isEqualTo(
            new ControlRoute.MetainfoLookup(
                new Digest("sha256", HEX), "127.0.0.1:5000", new RepositoryName("library/app")));
  }

  @Test
  void percentEncodedDigestAndRepositoryAreDecoded() {
    ControlRoute route =
        ControlRoute.parse("GET", "/metainfo/sha256%3A" + HEX + "?registry=ghcr.io&repo=org%2Fapp");

    assertThat(route)
        .isEqualTo(
            new ControlRoute.MetainfoLookup(
                new Digest("sha256", HEX), "ghcr.io", new RepositoryName("org/app")));
  }

  @Test
  void badDigestNamesTheDigestParameter() {
    assertThat(ControlRoute.parse("GET", "/metainfo/sha256:XYZ?registry=r&repo=a"))
        .isInstanceOfSatisfying(
            ControlRoute.BadParameter.class,
            bad -> {
              assertThat(bad.parameter()).isEqualTo("digest");
              assertThat(bad.code()).isEqualTo("DIGEST_INVALID");
            });
    assertThat(ControlRoute.parse("GET", "/metainfo/md5:" + HEX + "?registry=r&repo=a"))
        .isInstanceOfSatisfying(
            ControlRoute.BadParameter.class,
            bad -> assertThat(bad.parameter()).isEqualTo("digest"));
    assertThat(ControlRoute.parse("GET", "/metainfo/?registry=r&repo=a"))
        .isInstanceOfSatisfying(
            ControlRoute.BadParameter.class,
            bad -> assertThat(bad.parameter()).isEqualTo("digest"));
  }

  @Test
  void missingOrMalformedRegistryNamesTheRegistryParameter() {
    assertThat(ControlRoute.parse("GET", "/metainfo/sha256:" + HEX + "?repo=a"))
        .isInstanceOfSatisfying(
            ControlRoute.BadParameter.class,
            bad -> assertThat(bad.parameter()).isEqualTo("registry"));
    assertThat(ControlRoute.parse("GET", "/metainfo/sha256:" + HEX + "?registry=&repo=a"))
        .isInstanceOfSatisfying(
            ControlRoute.BadParameter.class,
            bad -> assertThat(bad.parameter()).isEqualTo("registry"));
    assertThat(ControlRoute.parse("GET", "/metainfo/sha256:" + HEX + "?registry=a/b&repo=a"))
        .isInstanceOfSatisfying(
            ControlRoute.BadParameter.class,
            bad -> assertThat(bad.parameter()).isEqualTo("registry"));
  }

  @Test
  void missingOrInvalidRepositoryNamesTheRepoParameter() {
    assertThat(ControlRoute.parse("GET", "/metainfo/sha256:" + HEX + "?registry=r"))
        .isInstanceOfSatisfying(
            ControlRoute.BadParameter.class,
            bad -> {
              assertThat(bad.parameter()).isEqualTo("repo");
              assertThat(bad.code()).isEqualTo("NAME_INVALID");
            });
    assertThat(ControlRoute.parse("GET", "/metainfo/sha256:" + HEX + "?registry=r&repo=Upper/Case"))
        .isInstanceOfSatisfying(
            ControlRoute.BadParameter.class, bad -> assertThat(bad.parameter()).isEqualTo("repo"));
  }

  @Test
  void healthIsAnsweredOnlyOnItsExactPath() {
    assertThat(ControlRoute.parse("GET", "/healthz")).isEqualTo(new ControlRoute.Health());
    assertThat(ControlRoute.parse("GET", "/healthz?verbose=1"))
        .isEqualTo(new ControlRoute.Health());
    assertThat(ControlRoute.parse("GET", "/healthz/x")).isInstanceOf(ControlRoute.NotFound.class);
  }

  @Test
  void otherPathsAreNotFound() {
    assertThat(ControlRoute.parse("GET", "/")).isEqualTo(new ControlRoute.NotFound("/"));
    assertThat(ControlRoute.parse("GET", "/metainfo")).isInstanceOf(ControlRoute.NotFound.class);
    assertThat(ControlRoute.parse("POST", "/v2/")).isInstanceOf(ControlRoute.NotFound.class);
  }

  @Test
  void otherMethodsOnKnownPathsAreNotAllowed() {
    assertThat(ControlRoute.parse("POST", "/metainfo/sha256:" + HEX))
        .isEqualTo(new ControlRoute.MethodNotAllowed("POST", "/metainfo/sha256:" + HEX));
    assertThat(ControlRoute.parse("HEAD", "/healthz"))
        .isInstanceOf(ControlRoute.MethodNotAllowed.class);
  }

  @Test
  void notificationsTakeOnlyPost() {
    assertThat(ControlRoute.parse("POST", "/notifications"))
        .isEqualTo(new ControlRoute.Notifications());
    assertThat(ControlRoute.parse("GET", "/notifications"))
        .isEqualTo(new ControlRoute.MethodNotAllowed("GET", "/notifications", "POST"));
  }

  @Test
  void metricsTakeOnlyGet() {
    assertThat(ControlRoute.parse("GET", "/metrics")).isEqualTo(new ControlRoute.Metrics());
    assertThat(ControlRoute.parse("POST", "/metrics"))
        .isEqualTo(new ControlRoute.MethodNotAllowed("POST", "/metrics", "GET"));
  }

  @Test
  void theDragonflyPreheatApiHasHealthJobCreationAndJobStatus() {
    assertThat(ControlRoute.parse("GET", "/healthy")).isEqualTo(new ControlRoute.PreheatHealth());
    assertThat(ControlRoute.parse("POST", "/oapi/v1/jobs")).isEqualTo(new ControlRoute.CreateJob());
    assertThat(ControlRoute.parse("GET", "/oapi/v1/jobs/17"))
        .isEqualTo(new ControlRoute.JobStatus(17));
  }

  @Test
  void preheatApiPathsTakeOnlyTheirMethod() {
    assertThat(ControlRoute.parse("GET", "/oapi/v1/jobs"))
        .isEqualTo(new ControlRoute.MethodNotAllowed("GET", "/oapi/v1/jobs", "POST"));
    assertThat(ControlRoute.parse("DELETE", "/oapi/v1/jobs/1"))
        .isEqualTo(new ControlRoute.MethodNotAllowed("DELETE", "/oapi/v1/jobs/1"));
    assertThat(ControlRoute.parse("POST", "/healthy"))
        .isEqualTo(new ControlRoute.MethodNotAllowed("POST", "/healthy"));
  }

  @Test
  void aJobIdThatIsNotAPositiveNumberIsABadParameter() {
    for (String id : new String[] {"", "0", "-1", "abc", "1.5", "9".repeat(19), "1/2"}) {
      assertThat(ControlRoute.parse("GET", "/oapi/v1/jobs/" + id))
          .as(id)
          .isInstanceOfSatisfying(
              ControlRoute.BadParameter.class, bad -> assertThat(bad.parameter()).isEqualTo("id"));
    }
  }

  @Test
  void otherOpenApiPathsAreNotFound() {
    assertThat(ControlRoute.parse("GET", "/oapi/v1/clusters"))
        .isEqualTo(new ControlRoute.NotFound("/oapi/v1/clusters"));
  }

  @Test
  void ringAndHeldBlobsAreGetOnlyAndABlobNeedsAValidDigest() {
    assertThat(ControlRoute.parse("GET", "/ring")).isEqualTo(new ControlRoute.Ring());
    assertThat(ControlRoute.parse("PUT", "/ring"))
        .isInstanceOf(ControlRoute.MethodNotAllowed.class);
    assertThat(ControlRoute.parse("GET", "/blobs/sha256:" + HEX))
        .isEqualTo(new ControlRoute.HeldBlob(io.layerswarm.core.Digest.parse("sha256:" + HEX)));
    assertThat(ControlRoute.parse("GET", "/blobs/sha256:xyz"))
        .isInstanceOfSatisfying(
            ControlRoute.BadParameter.class, b -> assertThat(b.parameter()).isEqualTo("digest"));
    assertThat(ControlRoute.parse("DELETE", "/blobs/sha256:" + HEX))
        .isInstanceOf(ControlRoute.MethodNotAllowed.class);
  }
}
