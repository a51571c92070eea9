package io.layerswarm.cli.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.layerswarm.agent.AgentConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SettingsTest {
  private static final String GOOD = """
      upstreams:
        - url: http://127.0.0.1:5000
          host: docker.io
      agent:
        listen: 127.0.0.1:5051
        data-dir: /tmp/agent
        swarm-deadline: 15s
        upload-rate: 10MiB
      """;

  private static Settings settings(String yaml, Map<String, Object> overrides) throws ConfigException {
    return Settings.of(ConfigLoader.parse(yaml, "agent.yaml", overrides), "agent.yaml");
  }

  @Test
  void aFileSetsKeysAndDefaultsFillTheRest() throws Exception {
    AgentConfig agent = settings(GOOD, Map.of()).agent();
    assertThat(agent.listen().getPort()).isEqualTo(5051);
    assertThat(agent.swarmDeadline()).isEqualTo(Duration.ofSeconds(15));
    assertThat(agent.uploadBytesPerSecond()).isEqualTo(10L << 20);
    assertThat(agent.downloadBytesPerSecond()).isZero();
    assertThat(agent.trackers()).hasSize(1);
    assertThat(agent.trackers().get(0).toString()).isEqualTo("http://127.0.0.1:6969");
  }

  @Test
  void flagsOverrideTheSameKeysInTheFile() throws Exception {
    Map<String, Object> overrides = new LinkedHashMap<>();
    overrides.put("agent.listen", "127.0.0.1:6000");
    overrides.put("agent.trackers", List.of("http://127.0.0.1:7000", "http://127.0.0.1:7001"));
    AgentConfig agent = settings(GOOD, overrides).agent();
    assertThat(agent.listen().getPort()).isEqualTo(6000);
    assertThat(agent.trackers()).extracting(Object::toString)
        .containsExactly("http://127.0.0.1:7000", "http://127.0.0.1:7001");
  }

  @Test
  void noFileAtAllRunsOnDefaultsPlusFlags() throws Exception {
    Settings s = settings("", Map.of("upstreams", List.of(Map.of("url", "http://127.0.0.1:5000"))));
    assertThat(s.agent().listen().getPort()).isEqualTo(5050);
    assertThat(s.upstreams("test").defaultHost()).isEqualTo("127.0.0.1:5000");
  }

  @Test
  void anUnknownKeyStopsWithTheFileAndTheKeyNamed() {
    assertThatThrownBy(() -> settings("agent:\n  listne: 127.0.0.1:1\n", Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("agent.yaml")
        .hasMessageContaining("agent.listne")
        .hasMessageContaining("listen");
  }

  @Test
  void aWrongTypeStopsWithTheKeyNamed() {
    assertThatThrownBy(() -> settings("tracker:\n  max-numwant: lots\n", Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("tracker.max-numwant")
        .hasMessageContaining("wrong type");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "agent:\\n  listen: 127.0.0.1:70000|agent.listen|out of range",
      "agent:\\n  swarm-deadline: soon|agent.swarm-deadline|not a duration",
      "agent:\\n  upload-rate: -5|agent.upload-rate|not a byte amount",
      "agent:\\n  trackers: [ftp://x]|agent.trackers[0]|http",
      "tracker:\\n  max-numwant: 0|tracker.max-numwant|out of range",
  })
  void anOutOfRangeValueStopsWithTheKeyNamed(String yaml, String key, String why) {
    String text = yaml.replace("\\n", "\n");
    assertThatThrownBy(() -> {
      Settings s = settings(text, Map.of());
      s.agent();
      s.tracker();
    }).isInstanceOf(ConfigException.class).hasMessageContaining(key).hasMessageContaining(why);
  }

  @Test
  void upstreamsAreRequiredAndTheMessageSaysHowToGiveOne() {
    assertThatThrownBy(() -> settings("", Map.of()).upstreams("test"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("upstreams")
        .hasMessageContaining("--upstream");
  }

  @Test
  void notYamlAtAllIsRejectedWithTheFileNamed() {
    assertThatThrownBy(() -> settings("agent: [unclosed\n", Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("agent.yaml")
        .hasMessageContaining("YAML");
  }

  @Test
  void theAdminSocketDefaultsToRunLayerswarmAndAnEmptyStringTurnsItOff() throws Exception {
    assertThat(settings(GOOD, Map.of()).agent().adminSocket())
        .contains(Path.of("/run/layerswarm/agent.sock"));
    assertThat(settings(GOOD, Map.of("agent.admin-socket", "/tmp/a.sock")).agent().adminSocket())
        .contains(Path.of("/tmp/a.sock"));
    assertThat(settings(GOOD, Map.of("agent.admin-socket", "")).agent().adminSocket()).isEmpty();
  }

  @Test
  void aCommandsDefaultsFillOnlyKeysThatNeitherTheFileNorAFlagSets() throws Exception {
    Map<String, Object> defaults = Map.of(
        "agent.admin-socket", "/data/agent.sock",
        "agent.peer-listen", "127.0.0.1:0",
        "seeder.peer-listen", "127.0.0.1:0");
    String file = GOOD + "  peer-listen: 0.0.0.0:7000\n";
    ConfigFile parsed = ConfigLoader.parse(file, "agent.yaml", defaults,
        Map.of("seeder.peer-listen", "127.0.0.1:7001"));
    Settings s = Settings.of(parsed, "agent.yaml");

    assertThat(s.agent().adminSocket()).contains(Path.of("/data/agent.sock"));
    assertThat(s.agent().peerListen().getPort()).as("the file wins").isEqualTo(7000);
    assertThat(s.seeder().peerListen().getPort()).as("a flag wins").isEqualTo(7001);
  }

  @Test
  void printedConfigMasksPasswords() throws Exception {
    Settings s = settings("upstreams:\n  - url: http://127.0.0.1:5000\n    username: u\n    password: hunter2\n",
        Map.of());
    assertThat(ConfigPrinter.yaml(s.file())).doesNotContain("hunter2").contains("********")
        .contains("swarm-deadline: 60s").contains("admin-socket: /run/layerswarm/agent.sock");
  }
}
