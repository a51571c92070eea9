package io.layerswarm.registry.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.layerswarm.core.Digest;
import io.layerswarm.registry.RepositoryName;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class NotificationEnvelopeTest {
  private static final String HEX = "e".repeat(64);

  private static NotificationEnvelope parse(String json) throws NotificationFormatException {
    return NotificationEnvelope.parse(json.replace('\'', '"').getBytes(StandardCharsets.UTF_8));
  }

  /** The shape distribution 2.8 sends, from its docs/notifications.md. */
  @Test
  void aManifestPushFromDistributionIsReadWithItsTargetAndRequestHost() throws Exception {
    NotificationEnvelope envelope =
        parse(
            """
        {'events':[{'id':'320678d8-ca14-430f-8bb6-4ca139cd83f7','timestamp':'2016-03-09T14:44:26Z',
          'action':'push',
          'target':{'mediaType':'application/vnd.docker.distribution.manifest.v2+json','size':708,
            'digest':'sha256:%s','length':708,'repository':'hello-world',
            'url':'http://192.168.100.227:5000/v2/hello-world/manifests/sha256:%s','tag':'latest'},
          'request':{'id':'6df24a34','addr':'192.168.64.11:42961','host':'192.168.100.227:5000',
            'method':'PUT','useragent':'curl/7.38.0'},
          'actor':{},'source':{'addr':'xtal.local:5000','instanceID':'a53db899'}}]}
        """
                .formatted(HEX, HEX));

    NotificationEvent event = envelope.events().get(0);
    assertThat(event.isManifestPush()).isTrue();
    assertThat(event.digest()).contains(new Digest("sha256", HEX));
    assertThat(event.repository()).contains(new RepositoryName("hello-world"));
    assertThat(event.tag()).contains("latest");
    assertThat(event.requestHost()).contains("192.168.100.227:5000");
    assertThat(event.urlHost()).contains("192.168.100.227:5000");
  }

  @Test
  void blobPushesPullsAndDeletesAreNotManifestPushes() throws Exception {
    NotificationEnvelope envelope =
        parse(
            """
        {'events':[
          {'action':'push','target':{'mediaType':'application/octet-stream','digest':'sha256:%s',
            'repository':'app'}},
          {'action':'pull','target':{'mediaType':'application/vnd.oci.image.index.v1+json',
            'digest':'sha256:%s','repository':'app'}},
          {'action':'delete','target':{'digest':'sha256:%s','repository':'app'}},
          {'action':'push','target':{'mediaType':'application/vnd.oci.image.index.v1+json'}}]}
        """
                .formatted(HEX, HEX, HEX));

    assertThat(envelope.events()).hasSize(4).noneMatch(NotificationEvent::isManifestPush);
  }

  @Test
  void anEmptyEnvelopeHasNoEvents() throws Exception {
    assertThat(parse("{'events':[]}").events()).isEmpty();
  }

  @Test
  void aWeirdHostHeaderIsKeptAsSentNotRejected() throws Exception {
    NotificationEvent event =
        parse(
                """
        {'events':[{'action':'push','target':{},'request':{'host':'Weird Host!'}}]}
        """)
            .events()
            .get(0);

    assertThat(event.requestHost()).contains("Weird Host!");
    assertThat(event.urlHost()).isEmpty();
  }

  @Test
  void malformedBodiesAreRefusedNamingTheField() {
    assertThatThrownBy(() -> parse("{"))
        .isInstanceOf(NotificationFormatException.class)
        .hasMessageContaining("not JSON");
    assertThatThrownBy(() -> parse("[]"))
        .isInstanceOf(NotificationFormatException.class)
        .hasMessageContaining("not a JSON object");
    assertThatThrownBy(() -> parse("{'events':{}}"))
        .isInstanceOf(NotificationFormatException.class)
        .hasMessageContaining("events must be");
    assertThatThrownBy(() -> parse("{'events':[1]}"))
        .isInstanceOf(NotificationFormatException.class)
        .hasMessageContaining("events[0]");
    assertThatThrownBy(() -> parse("{'events':[{'target':{}}]}"))
        .isInstanceOf(NotificationFormatException.class)
        .hasMessageContaining("action is missing");
    assertThatThrownBy(() -> parse("{'events':[{'action':'push','target':[]}]}"))
        .isInstanceOf(NotificationFormatException.class)
        .hasMessageContaining("target must be");
    assertThatThrownBy(
            () -> parse("{'events':[{'action':'push','target':{'digest':'sha256:nothex'}}]}"))
        .isInstanceOf(NotificationFormatException.class)
        .hasMessageContaining("events[0].target.digest");
    assertThatThrownBy(
            () -> parse("{'events':[{'action':'push','target':{'repository':'Bad Name'}}]}"))
        .isInstanceOf(NotificationFormatException.class)
        .hasMessageContaining("events[0].target.repository");
    assertThatThrownBy(() -> parse("{'events':[{'action':7}]}"))
        .isInstanceOf(NotificationFormatException.class)
        .hasMessageContaining("action must be");
  }
}
