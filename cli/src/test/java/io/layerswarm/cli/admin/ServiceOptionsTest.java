package io.layerswarm.cli.admin;

import static io.layerswarm.cli.admin.ServiceCommandsTest.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.layerswarm.admin.BearerTokenInterceptor;
import io.layerswarm.cli.admin.ServiceCommandsTest.Run;
import io.layerswarm.cli.admin.ServiceOptions.Role;
import io.layerswarm.cli.admin.ServiceOptions.Target;
import io.layerswarm.proto.admin.SeederAdminGrpc;
import io.layerswarm.proto.admin.SeederBlobList;
import io.layerswarm.proto.admin.SeederBlobsRequest;
import io.layerswarm.testing.SelfSignedCertificate;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** --server, --token, --token-file and the environment; and the TLS client against a TLS server. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ServiceOptionsTest {
  @TempDir Path dir;

  private static CommandSpec spec() {
    return new CommandLine(new SeederBlobsCommand()).getCommandSpec();
  }

  private static ServiceOptions options(Map<String, String> env) {
    ServiceOptions options = new ServiceOptions();
    options.environment = env::get;
    return options;
  }

  @Test
  void theServerComesFromTheOptionElseFromTheEnvironment() {
    ServiceOptions options = options(Map.of("LAYERSWARM_SERVER", "seeder-1.internal:6971"));
    assertThat(options.target(spec(), Role.SEEDER))
        .isEqualTo(new Target("seeder-1.internal", 6971));

    options.server = "[::1]:7000";
    assertThat(options.target(spec(), Role.SEEDER)).isEqualTo(new Target("::1", 7000));
    assertThat(options.target(spec(), Role.SEEDER).toString()).isEqualTo("[::1]:7000");
  }

  @Test
  void aMissingOrMalformedServerIsAUsageErrorNamingTheConfigKey() {
    assertThatThrownBy(() -> options(Map.of()).target(spec(), Role.TRACKER))
        .isInstanceOf(ParameterException.class)
        .hasMessageContaining("--server HOST:PORT is required")
        .hasMessageContaining("LAYERSWARM_SERVER")
        .hasMessageContaining("tracker.admin-listen");
    for (String bad :
        List.of(
            "host", "host:0", "host:99999", "host:x", ":80", "a:b:1", "http://host:1", "[::1]")) {
      ServiceOptions options = options(Map.of());
      options.server = bad;
      assertThatThrownBy(() -> options.target(spec(), Role.SEEDER))
          .as(bad)
          .isInstanceOf(ParameterException.class)
          .hasMessageContaining("'" + bad + "'");
    }
  }

  @Test
  void theTokenComesFromTheOptionTheFileOrTheEnvironmentInThatOrder() throws Exception {
    Path file = dir.resolve("token");
    Files.writeString(file, "  from-file\n");
    ServiceOptions options = options(Map.of("LAYERSWARM_TOKEN", "from-env"));
    assertThat(options.token(spec())).contains("from-env");
    options.tokenFile = file;
    assertThat(options.token(spec())).contains("from-file");
    options.tokenFile = null;
    options.token = "from-option";
    assertThat(options.token(spec())).contains("from-option");
    assertThat(options(Map.of()).token(spec())).isEmpty();
  }

  @Test
  void badTokensAreUsageErrors() throws Exception {
    ServiceOptions both = options(Map.of());
    both.token = "a";
    both.tokenFile = dir.resolve("t");
    assertThatThrownBy(() -> both.token(spec())).hasMessageContaining("pass one");

    ServiceOptions missing = options(Map.of());
    missing.tokenFile = dir.resolve("absent");
    assertThatThrownBy(() -> missing.token(spec())).hasMessageContaining("cannot read it");

    Path empty = Files.writeString(dir.resolve("empty"), "\n");
    ServiceOptions blank = options(Map.of());
    blank.tokenFile = empty;
    assertThatThrownBy(() -> blank.token(spec())).hasMessageContaining("the token is empty");

    ServiceOptions spaced = options(Map.of());
    spaced.token = "a b";
    assertThatThrownBy(() -> spaced.token(spec())).hasMessageContaining("without spaces");
  }

  @Test
  void withTlsAndTheServersCaTheTokenGoesOverTls() throws Exception {
    SelfSignedCertificate certificate = SelfSignedCertificate.create(dir, "admin");
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(certificate.load(), SelfSignedCertificate.PASSWORD.toCharArray());
    SeederAdminGrpc.SeederAdminImplBase empty =
        new SeederAdminGrpc.SeederAdminImplBase() {
          @Override
          public void listBlobs(SeederBlobsRequest request, StreamObserver<SeederBlobList> out) {
            out.onNext(SeederBlobList.getDefaultInstance());
            out.onCompleted();
          }
        };
    Server server =
        NettyServerBuilder.forAddress(
                new InetSocketAddress("127.0.0.1", 0),
                TlsServerCredentials.newBuilder().keyManager(keys.getKeyManagers()).build())
            .addService(
                ServerInterceptors.intercept(empty, new BearerTokenInterceptor("t0k", "seeder")))
            .build()
            .start();
    try {
      String address = "127.0.0.1:" + server.getPort();
      String ca = certificate.certificate().toString();

      Run trusted = run("seeder-blobs", "--server", address, "--ca", ca, "--token", "t0k");
      Run untrusted = run("seeder-blobs", "--server", address, "--tls", "--token", "t0k");
      Run plaintext = run("seeder-blobs", "--server", address, "--token", "t0k");
      Run badCa =
          run("seeder-blobs", "--server", address, "--ca", dir.resolve("none.pem").toString());

      assertThat(trusted.exitCode()).as(trusted.err()).isZero();
      assertThat(trusted.out()).isEqualTo("no blobs\n0 blobs, 0 B stored; eviction off\n");
      assertThat(untrusted.exitCode()).isEqualTo(3);
      assertThat(untrusted.err())
          .contains("cannot reach the seeder's admin API")
          .contains("certification path")
          .contains("pass the CA that signed it with --ca FILE");
      assertThat(plaintext.exitCode()).isEqualTo(3);
      assertThat(plaintext.err()).contains("if it speaks TLS, pass --tls");
      assertThat(badCa.exitCode()).isEqualTo(2);
      assertThat(badCa.err()).contains("--ca ");
    } finally {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
