package io.layerswarm.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.layerswarm.core.SetupException;
import io.layerswarm.proto.admin.TrackerAdminGrpc;
import io.layerswarm.proto.admin.TrackerHealth;
import io.layerswarm.proto.admin.TrackerHealthRequest;
import io.layerswarm.testing.SelfSignedCertificate;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AdminGrpcServerTest {
  private static final String TOKEN = "t0k3n";
  private static final InetSocketAddress LOOPBACK = new InetSocketAddress("127.0.0.1", 0);

  @TempDir Path dir;
  private final List<AutoCloseable> open = new ArrayList<>();

  /** Answers Health with up = true. */
  private static final class Healthy extends TrackerAdminGrpc.TrackerAdminImplBase {
    @Override
    public void health(TrackerHealthRequest request, StreamObserver<TrackerHealth> out) {
      out.onNext(TrackerHealth.newBuilder().setUp(true).build());
      out.onCompleted();
    }
  }

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
  }

  private AdminGrpcServer start(Optional<AdminTls> tls) throws IOException {
    AdminGrpcServer server =
        AdminGrpcServer.start("tracker", LOOPBACK, Optional.of(TOKEN), tls, 1, new Healthy());
    open.add(server);
    return server;
  }

  private TrackerAdminGrpc.TrackerAdminBlockingStub client(
      AdminGrpcServer server, ChannelCredentials credentials, Optional<String> token) {
    ManagedChannel channel =
        NettyChannelBuilder.forAddress("127.0.0.1", server.address().getPort(), credentials)
            .build();
    open.add(() -> channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
    TrackerAdminGrpc.TrackerAdminBlockingStub stub =
        TrackerAdminGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS);
    return token.map(t -> stub.withCallCredentials(new BearerTokenCredentials(t))).orElse(stub);
  }

  @Test
  void overTlsAClientThatTrustsTheCaIsServedAndStillNeedsTheToken() throws Exception {
    SelfSignedCertificate pair = SelfSignedCertificate.create(dir, "server");
    AdminGrpcServer server =
        start(Optional.of(AdminTls.load("tracker", pair.certificate(), pair.privateKey())));
    ChannelCredentials trusting =
        TlsChannelCredentials.newBuilder().trustManager(pair.certificate().toFile()).build();

    assertThat(
            client(server, trusting, Optional.of(TOKEN))
                .health(TrackerHealthRequest.getDefaultInstance())
                .getUp())
        .isTrue();
    assertThatThrownBy(
            () ->
                client(server, trusting, Optional.empty())
                    .health(TrackerHealthRequest.getDefaultInstance()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
  }

  @Test
  void aTlsServerServesNeitherPlaintextClientsNorClientsThatDoNotTrustIt() throws Exception {
    SelfSignedCertificate pair = SelfSignedCertificate.create(dir, "server");
    AdminGrpcServer server =
        start(Optional.of(AdminTls.load("tracker", pair.certificate(), pair.privateKey())));

    for (ChannelCredentials credentials :
        List.of(InsecureChannelCredentials.create(), TlsChannelCredentials.create())) {
      assertThatThrownBy(
              () ->
                  client(server, credentials, Optional.of(TOKEN))
                      .health(TrackerHealthRequest.getDefaultInstance()))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    }
  }

  @Test
  void withoutTlsItServesPlaintext() throws Exception {
    AdminGrpcServer server = start(Optional.empty());

    assertThat(
            client(server, InsecureChannelCredentials.create(), Optional.of(TOKEN))
                .health(TrackerHealthRequest.getDefaultInstance())
                .getUp())
        .isTrue();
  }

  @Test
  void anAddressInUseNamesTheListenKey() throws Exception {
    AdminGrpcServer first = start(Optional.empty());

    assertThatThrownBy(
            () ->
                AdminGrpcServer.start(
                    "seeder",
                    first.address(),
                    Optional.empty(),
                    Optional.empty(),
                    1,
                    new Healthy()))
        .isInstanceOf(SetupException.class)
        .hasMessage(
            "seeder.admin-listen: cannot listen on 127.0.0.1:"
                + first.address().getPort()
                + ": Address already in use; stop what holds that port, or set another"
                + " seeder.admin-listen");
  }

  @Test
  void onlyAnApiOffLoopbackWithoutATokenOrWithATokenInClearTextIsExposed() {
    InetSocketAddress loopback = new InetSocketAddress("127.0.0.1", 6971);
    InetSocketAddress everywhere = new InetSocketAddress("0.0.0.0", 6971);

    assertThat(AdminGrpcServer.exposure("tracker", loopback, false, false)).isEmpty();
    assertThat(AdminGrpcServer.exposure("tracker", everywhere, true, true)).isEmpty();
    assertThat(AdminGrpcServer.exposure("tracker", everywhere, false, true))
        .get()
        .asString()
        .contains("without tracker.admin-token");
    assertThat(AdminGrpcServer.exposure("seeder", everywhere, true, false))
        .get()
        .asString()
        .contains("clear text")
        .contains("seeder.admin-tls-cert")
        .contains("seeder.admin-tls-key");
  }
}
