package io.layerswarm.testbed;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AccessLogTest {

  private static final String BLOB =
      "sha256:c59a8936ec59a22d44007ff4c03c23055c59e7955b07dc997ee1269e74a6db3d";
  private static final String MISSING =
      "sha256:0000000000000000000000000000000000000000000000000000000000000000";

  /** Captured from docker-registry 2.8.2+ds1 (Debian 12), fed by curl with custom User-Agents. */
  private static final List<String> CAPTURED =
      List.of(
          "time=\"2026-11-27T20:40:56.945587824Z\" level=warning msg=\"No HTTP secret provided - generated random secret. This may cause problems with uploads if multiple registries are behind a load-balancer. To provide a shared secret, fill in http.secret in the configuration file or set the REGISTRY_HTTP_SECRET environment variable.\" go.version=go1.19.8 instance.id=daf013a0-7dea-4cea-9d4c-bc72a77939a8 service=registry-origin version=2.8.2+ds1",
          "time=\"2026-11-27T20:40:56.95857913Z\" level=info msg=\"response completed\" go.version=go1.19.8 http.request.host=\"127.0.0.1:15123\" http.request.id=11102474-e445-4272-9d45-69f4adf78157 http.request.method=GET http.request.remoteaddr=\"127.0.0.1:46730\" http.request.uri=/v2/ http.request.useragent=curl/7.88.1 http.response.contenttype=\"application/json; charset=utf-8\" http.response.duration=\"795.524µs\" http.response.status=200 http.response.written=2",
          "127.0.0.1 - - [27/Nov/2026:20:40:56 +0000] \"GET /v2/ HTTP/1.1\" 200 2 \"\" \"curl/7.88.1\"",
          "127.0.0.1 - - [27/Nov/2026:20:40:56 +0000] \"POST /v2/test/app/blobs/uploads/ HTTP/1.1\" 202 0 \"\" \"curl/7.88.1\"",
          "127.0.0.1 - - [27/Nov/2026:20:40:56 +0000] \"PUT /v2/test/app/blobs/uploads/582e265c-1997-4187-bd6b-c168829c7631?_state=Ugvk7e4SmzYxKS15aoBaXaLOHmioIJVgH_WhNcSVdAN7Ik5hbWUiOiJ0ZXN0L2FwcCIsIlVVSUQiOiI1ODJlMjY1Yy0xOTk3LTQxODctYmQ2Yi1jMTY4ODI5Yzc2MzEiLCJPZmZzZXQiOjAsIlN0YXJ0ZWRBdCI6IjIwMjYtMTEtMjdUMjA6NDA6NTYuOTc0NDA1MjI1WiJ9&digest=sha256:c59a8936ec59a22d44007ff4c03c23055c59e7955b07dc997ee1269e74a6db3d HTTP/1.1\" 201 0 \"\" \"curl/7.88.1\"",
          "time=\"2026-11-27T20:40:56.997506049Z\" level=info msg=\"response completed\" go.version=go1.19.8 http.request.host=\"127.0.0.1:15123\" http.request.id=3520f811-4d5a-41c5-8d39-a64037b8067f http.request.method=GET http.request.remoteaddr=\"127.0.0.1:46764\" http.request.uri=\"/v2/test/app/blobs/sha256:c59a8936ec59a22d44007ff4c03c23055c59e7955b07dc997ee1269e74a6db3d\" http.request.useragent=layerswarm-seeder/0.1 http.response.contenttype=application/octet-stream http.response.duration=1.93517ms http.response.status=200 http.response.written=1000",
          "127.0.0.1 - - [27/Nov/2026:20:40:56 +0000] \"GET /v2/test/app/blobs/sha256:c59a8936ec59a22d44007ff4c03c23055c59e7955b07dc997ee1269e74a6db3d HTTP/1.1\" 200 1000 \"\" \"layerswarm-seeder/0.1\"",
          "127.0.0.1 - - [27/Nov/2026:20:40:57 +0000] \"HEAD /v2/test/app/blobs/sha256:c59a8936ec59a22d44007ff4c03c23055c59e7955b07dc997ee1269e74a6db3d HTTP/1.1\" 200 0 \"\" \"layerswarm-seeder/0.1\"",
          "127.0.0.1 - - [27/Nov/2026:20:40:57 +0000] \"GET /v2/test/app/blobs/sha256:c59a8936ec59a22d44007ff4c03c23055c59e7955b07dc997ee1269e74a6db3d HTTP/1.1\" 206 100 \"\" \"x\"",
          "127.0.0.1 - - [27/Nov/2026:20:40:57 +0000] \"GET /v2/test/app/blobs/sha256:0000000000000000000000000000000000000000000000000000000000000000 HTTP/1.1\" 404 157 \"\" \"\"",
          "127.0.0.1 - - [27/Nov/2026:20:40:57 +0000] \"GET /v2/test/app/blobs/sha256:c59a8936ec59a22d44007ff4c03c23055c59e7955b07dc997ee1269e74a6db3d HTTP/1.1\" 200 1000 \"\" \"ua with \\\"quote\\\"\"",
          "127.0.0.1 - - [27/Nov/2026:20:45:48 +0000] \"HEAD /v2/test/app/manifests/v1 HTTP/1.1\" 200 563 \"\" \"Go-http-client/1.1\"",
          "127.0.0.1 - - [27/Nov/2026:20:45:48 +0000] \"GET /v2/test/app/manifests/v1 HTTP/1.1\" 200 563 \"\" \"skopeo/1.9.3\"");

  @Test
  void parsesOnlyTheCombinedFormatLinesAndIgnoresTheLogrusDuplicates() {
    AccessLog log = AccessLog.parse(CAPTURED);

    assertThat(log.entries()).hasSize(10);
  }

  @Test
  void blobGetLineIsSplitIntoItsFields() {
    AccessLog.Entry e = AccessLog.parseLine(CAPTURED.get(6)).orElseThrow();

    assertThat(e.remote()).isEqualTo("127.0.0.1");
    assertThat(e.time()).isEqualTo(Instant.parse("2026-11-27T20:40:56Z"));
    assertThat(e.method()).isEqualTo("GET");
    assertThat(e.path()).isEqualTo("/v2/test/app/blobs/" + BLOB);
    assertThat(e.protocol()).isEqualTo("HTTP/1.1");
    assertThat(e.status()).isEqualTo(200);
    assertThat(e.bytes()).isEqualTo(1000);
    assertThat(e.userAgent()).isEqualTo("layerswarm-seeder/0.1");
    assertThat(e.blobDigest()).contains(BLOB);
    assertThat(e.repository()).contains("test/app");
    assertThat(e.isBlobDownload()).isTrue();
  }

  @Test
  void uploadsHeadsAndMissingBlobsAreNotBlobDownloads() {
    AccessLog log = AccessLog.parse(CAPTURED);

    assertThat(log.blobDownloads())
        .extracting(AccessLog.Entry::status)
        .containsExactly(200, 206, 200);
    assertThat(log.blobGets(MISSING)).isZero();
    AccessLog.Entry put = log.entries().get(2);
    assertThat(put.method()).isEqualTo("PUT");
    assertThat(put.blobDigest()).isEmpty();
    assertThat(put.query()).endsWith("&digest=" + BLOB);
  }

  @Test
  void countsBlobGetsAndBytesPerDigestAndPerUserAgent() {
    AccessLog log = AccessLog.parse(CAPTURED);

    assertThat(log.blobGetsByDigest()).isEqualTo(Map.of(BLOB, 3L));
    assertThat(log.totalBlobBytesSent()).isEqualTo(2100);
    assertThat(log.blobBytesByUserAgent())
        .isEqualTo(Map.of("layerswarm-seeder/0.1", 1000L, "x", 100L, "ua with \"quote\"", 1000L));
    assertThat(log.byUserAgentPrefix("layerswarm-seeder/").totalBlobBytesSent()).isEqualTo(1000);
  }

  @Test
  void emptyUserAgentAndEscapedQuotesAreUnescaped() {
    assertThat(AccessLog.parseLine(CAPTURED.get(9)).orElseThrow().userAgent()).isEmpty();
    assertThat(AccessLog.parseLine(CAPTURED.get(10)).orElseThrow().userAgent())
        .isEqualTo("ua with \"quote\"");
  }

  @Test
  void aLineWithAPrefixBeforeTheCombinedRecordStillParses() {
    String wrapped = "registry-origin | 2026-11-27T20:40:56Z " + CAPTURED.get(6);

    assertThat(AccessLog.parseLine(wrapped))
        .contains(AccessLog.parseLine(CAPTURED.get(6)).orElseThrow());
  }

  @Test
  void manifestRequestsAreRecognisedAndNotCountedAsBlobBytes() {
    AccessLog log = AccessLog.parse(CAPTURED.subList(11, 13));

    assertThat(log.entries())
        .extracting(AccessLog.Entry::isManifestGet)
        .containsExactly(false, true);
    assertThat(log.entries().get(1).repository()).contains("test/app");
    assertThat(log.totalBlobBytesSent()).isZero();
  }

  @Test
  void aDashForTheByteCountMeansZero() {
    String line =
        "10.0.0.1 - alice [01/Jan/2026:00:00:00 +0100] \"GET /v2/a/blobs/"
            + BLOB
            + " HTTP/1.1\" 200 - \"-\" \"agent\"";

    AccessLog.Entry e = AccessLog.parseLine(line).orElseThrow();

    assertThat(e.bytes()).isZero();
    assertThat(e.user()).isEqualTo("alice");
    assertThat(e.time()).isEqualTo(Instant.parse("2025-12-31T23:00:00Z"));
  }

  @Test
  void linesWithoutACombinedRecordYieldNothing() {
    assertThat(AccessLog.parseLine(CAPTURED.get(0))).isEmpty();
    assertThat(AccessLog.parseLine("")).isEmpty();
    assertThat(AccessLog.parseLine("127.0.0.1 - - [garbage] \"GET / HTTP/1.1\" 200 1 \"\" \"\""))
        .isEmpty();
  }
}
