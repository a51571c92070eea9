package io.layerswarm.cli.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.layerswarm.testing.fuzz.FuzzTarget;
import io.layerswarm.testing.fuzz.Mutations;
import io.layerswarm.testing.fuzz.TreeMutations;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Fuzz target: the config file, from YAML text to the tracker's, the seeder's and the agent's
 * config records and the upstreams (ConfigLoader, Settings, Values, the secret and token files).
 * Documents are a full cluster config (with a cluster secret file, a notifications token file, an
 * upstream password, an admin token and a Docker config), a flow-style one and small ones, mutated
 * as trees (a value of the wrong type or range, a key missing, added, repeated or moved) and as
 * text (YAML's own syntax). Every document either gives a config or a {@link ConfigException} that
 * names the file and a key (or a line, for YAML that does not parse); no other exception. No error
 * message holds the content of the secret or token file, nor a password or admin token that the
 * document holds only under its own key.
 */
class ConfigFuzzTest {
  private static final String SOURCE = "layerswarm.yaml";
  private static final String CLUSTER_SECRET = "clusterSECRETcontent-0123456789abcdefghijklmn";
  private static final String NOTIFY_TOKEN = "notifySECRETcontent-0123456789";
  private static final String PASSWORD = "pwSECRETvalue-5f2b9c1e7a";
  private static final String ADMIN_TOKEN = "admintokenSECRETvalue-8d3e0a6c4b";

  /** The keys whose values are secrets in the document itself. */
  private static final Set<String> SECRET_KEYS = Set.of("password", "admin-token");

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private static Path dir;
  private static List<String> seeds;

  /** Every key a config file knows, kebab-case, from the records it is read into. */
  private static final Set<String> KEYS =
      keys(ConfigFile.Upstream.class, keys(ConfigFile.class, new TreeSet<>()));

  /**
   * One document, and whether the daemons' upstreams are built from it too (an HTTP client each).
   */
  record Input(String yaml, boolean upstreams) {}

  @BeforeContainer
  static void files() throws IOException {
    dir = Files.createTempDirectory("config-fuzz");
    Path secret = write("cluster.secret", CLUSTER_SECRET + "\n");
    Path token = write("notify.token", NOTIFY_TOKEN + "\n");
    Path docker =
        write("docker.json", "{\"auths\": {\"registry.test:5000\": {\"auth\": \"ZnV6ejpmdXp6\"}}}");
    seeds =
        List.of(
            """
            cluster:
              secret-file: %1$s
            upstreams:
              - host: registry.test:5000
                url: http://127.0.0.1:5000
                default: true
                username: fuzz
                password: %3$s
              - host: docker.io
                url: https://registry-1.docker.io
                docker-config: %4$s
            tracker:
              listen: 127.0.0.1:6969
              announce-interval: 30s
              min-announce-interval: 5s
              default-numwant: 50
              seeders: [http://127.0.0.1:6970]
              ring-replicas: 2
              admin-listen: 127.0.0.1:7001
              admin-token: %5$s
              trusted-proxies: [10.0.0.0/8, 127.0.0.1]
              max-peers: 1000
              max-connections-per-address: 64
              idle-timeout: 2m
            seeder:
              listen: 0.0.0.0:6970
              peer-listen: "[::]:6881"
              data-dir: /var/lib/layerswarm/seeder
              trackers: [http://127.0.0.1:6969]
              ring: [http://127.0.0.1:6970]
              ring-replicas: 2
              notifications-token-file: %2$s
              disk-free-min: 10%%
              upload-rate: 100MiB
              time-to-idle: 0
              advertise-url: http://127.0.0.1:6970
            agent:
              listen: 127.0.0.1:5050
              peer-listen: :6882
              cache-max-bytes: 10GiB
              cache-high-watermark: 90
              cache-low-watermark: 75
              swarm-deadline: 60s
              origin-min-rate: 16KiB
              disk-free-min: 2GiB
              metrics-listen: 127.0.0.1:9100
            """
                .formatted(secret, token, PASSWORD, docker, ADMIN_TOKEN),
            ("{cluster: {secret-file: '%1$s'}, upstreams: [{url: 'https://r.test', username: u,"
                    + " password: \"%2$s\"}], tracker: {listen: ':6969', admin-listen: '0.0.0.0:7001',"
                    + " admin-token: '%3$s', redis: 'redis://127.0.0.1:6379/0'}, seeder:"
                    + " {admin-listen: '[::1]:7002', admin-token: %3$s}, agent: {trackers:"
                    + " ['http://t:6969'], admin-socket: /run/a.sock}}")
                .formatted(secret, PASSWORD, ADMIN_TOKEN),
            "agent:\n  listen: 127.0.0.1:5050\n",
            "upstreams:\n  - url: http://127.0.0.1:5000\n    username: a\n    password: "
                + PASSWORD
                + "\n",
            "");
  }

  private static Path write(String name, String content) throws IOException {
    Path file = Files.writeString(dir.resolve(name), content);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
    return file;
  }

  @AfterContainer
  static void removeFiles() throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  @FuzzTarget
  void anyDocumentGivesAConfigOrAnErrorNamingTheKeyAndNoSecret(@ForAll("inputs") Input input) {
    ConfigFile file;
    try {
      file = ConfigLoader.parse(input.yaml(), SOURCE, Map.of());
    } catch (Throwable e) {
      check(e, input.yaml());
      return;
    }
    Settings settings = Settings.of(file, SOURCE);
    List<Build> builds =
        new ArrayList<>(
            List.of(
                settings::tracker,
                settings::trackerRingReplicas,
                settings::seeder,
                settings::agent));
    if (input.upstreams()) {
      builds.add(() -> settings.upstreams("fuzz"));
    }
    for (Build build : builds) {
      try {
        build.run();
      } catch (Throwable e) {
        check(e, input.yaml());
      }
    }
  }

  // The inputs that found bugs, replayed on every run.

  @Example
  void aSyntaxErrorNamesTheLineButQuotesNoneOfTheDocument() {
    String yaml = "cl: a\n    password: " + PASSWORD + "\n";

    assertThat(error(yaml))
        .isEqualTo(SOURCE + ": not valid YAML (line 2): mapping values are not allowed here")
        .doesNotContain(PASSWORD);
  }

  @Example
  void aSecondDocumentIsNamedAsSuch() {
    assertThat(error("agent:\n  listen: 127.0.0.1:5050\n---\n"))
        .startsWith(SOURCE + ": more than one YAML document (line 4)");
  }

  @Example
  void anEmptyListEntryNamesItsKey() {
    assertThat(error("seeder:\n  ring:\n  - \n")).isEqualTo(SOURCE + ": seeder.ring[0] is empty");
    assertThat(error("upstreams:\n- \n")).isEqualTo(SOURCE + ": upstreams[0] is empty");
    assertThat(error("tracker:\n  trusted-proxies: [~]\n"))
        .isEqualTo(SOURCE + ": tracker.trusted-proxies[0] is empty");
  }

  @Example
  void aFileKeyOfControlCharactersIsNotAPath() {
    assertThat(error("cluster:\n  secret-file: \"\\0\"\n"))
        .startsWith(SOURCE + ": cluster.secret-file: ");
    assertThat(error("seeder:\n  notifications-token-file: \"\\t\\0\"\n"))
        .startsWith(SOURCE + ": seeder.notifications-token-file: ");
    assertThat(error("agent:\n  data-dir: \"a\\0b\"\n")).startsWith(SOURCE + ": agent.data-dir: ");
  }

  @Example
  void aDurationTooLongNamesItsKey() {
    assertThat(error("tracker:\n  min-announce-interval: 999999999999999d\n"))
        .isEqualTo(SOURCE + ": tracker.min-announce-interval: '999999999999999d' is too long");
    assertThat(error("agent:\n  swarm-deadline: 99999999999999999999s\n"))
        .isEqualTo(SOURCE + ": agent.swarm-deadline: '99999999999999999999s' is too long");
  }

  @Example
  void anEmptyUsernameNamesItsUpstream() {
    assertThat(error("upstreams:\n- url: http://r.test\n  username: ''\n  password: x\n"))
        .isEqualTo(SOURCE + ": upstreams[0].username: credentials need a username");
  }

  @Example
  void aDockerConfigThatIsNotJsonIsNamedWithoutItsContent() {
    String yaml =
        "upstreams:\n- url: http://r.test\n  docker-config: "
            + dir.resolve("cluster.secret")
            + "\n";

    assertThat(error(yaml))
        .contains(".docker-config: Docker config ")
        .contains(" is not valid JSON (line 1, column ")
        .doesNotContain("SECRETcontent");
  }

  /** The message of the first error that {@code yaml} gives, checked as the fuzz target does. */
  private static String error(String yaml) {
    List<Throwable> errors = new ArrayList<>();
    try {
      Settings settings = Settings.of(ConfigLoader.parse(yaml, SOURCE, Map.of()), SOURCE);
      for (Build build :
          List.<Build>of(
              settings::tracker,
              settings::seeder,
              settings::agent,
              () -> settings.upstreams("x"))) {
        try {
          build.run();
        } catch (Throwable e) {
          errors.add(e);
        }
      }
    } catch (Throwable e) {
      errors.add(e);
    }
    assertThat(errors).as("errors").isNotEmpty();
    check(errors.get(0), yaml);
    return errors.get(0).getMessage();
  }

  private interface Build {
    Object run() throws Exception;
  }

  private static void check(Throwable thrown, String yaml) {
    if (!(thrown instanceof ConfigException)) {
      throw new AssertionError("not a ConfigException: " + thrown, thrown);
    }
    String message = thrown.getMessage();
    assertThat(message).startsWith(SOURCE + ": ");
    assertThat(namesAKeyOrALine(message)).as("names a key: " + message).isTrue();
    assertThat(message).doesNotContain("SECRETcontent");
    if (secretsOnlyUnderTheirKeys(yaml)) {
      assertThat(message).doesNotContain("SECRETvalue");
    }
  }

  private static boolean namesAKeyOrALine(String message) {
    String rest = message.substring(SOURCE.length() + 2);
    if (rest.matches("(?s)(not valid YAML|more than one YAML document) \\(line \\d+\\).*")
        || rest.startsWith("the top level must be a map of sections")) {
      return true;
    }
    for (String word : rest.split("[^a-z0-9-]+")) {
      if (KEYS.contains(word)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether every occurrence of a secret value in the document is the whole value of a password or
   * admin token key, as YAML reads it; a document YAML cannot read must not show them either.
   */
  private static boolean secretsOnlyUnderTheirKeys(String yaml) {
    JsonNode tree;
    try {
      tree = YAML.readTree(yaml);
    } catch (IOException e) {
      return true;
    }
    return tree == null || secretsOnlyUnderTheirKeys(tree, null);
  }

  private static boolean secretsOnlyUnderTheirKeys(JsonNode node, String key) {
    if (node.isContainerNode()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        if (field.getKey().contains("SECRETvalue")
            || !secretsOnlyUnderTheirKeys(field.getValue(), field.getKey())) {
          return false;
        }
      }
      for (JsonNode element : node.isArray() ? node : List.<JsonNode>of()) {
        if (!secretsOnlyUnderTheirKeys(element, null)) {
          return false;
        }
      }
      return true;
    }
    String text = node.asText();
    return !text.contains("SECRETvalue")
        || (key != null
            && SECRET_KEYS.contains(key)
            && (text.equals(PASSWORD) || text.equals(ADMIN_TOKEN)));
  }

  private static Set<String> keys(Class<?> record, Set<String> into) {
    for (RecordComponent component : record.getRecordComponents()) {
      String name = component.getName();
      into.add(
          name.equals("isDefault") ? "default" : name.replaceAll("([A-Z])", "-$1").toLowerCase());
      Class<?> type = component.getType();
      if (type.isRecord()) {
        keys(type, into);
      }
    }
    return into;
  }

  @Provide
  Arbitrary<Input> inputs() {
    List<Object> trees = new ArrayList<>();
    for (String seed : seeds) {
      try {
        Object tree = YAML.readValue(seed.isEmpty() ? "{}" : seed, Object.class);
        trees.add(tree);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    // The secret and token files' paths too, so that a file key may name one by mistake.
    List<Object> leaves =
        Arrays.asList(
            dir.resolve("cluster.secret").toString(),
            dir.resolve("notify.token").toString(),
            null,
            "",
            " ",
            "0",
            "-1",
            2147483648L,
            -2147483649L,
            "99999999999999999999",
            "9223372036854775807s",
            "999999999999999d",
            "99999999999999999999GiB",
            "101%",
            "-5%",
            "1.5",
            1.5,
            true,
            "yes",
            List.of(),
            Map.of(),
            Arrays.asList((Object) null),
            "::1",
            ":0",
            ":65536",
            "[::1]:99999",
            "host:port",
            "http://",
            "ftp://x.test",
            "http://[::1",
            "http://h:99999/",
            "redis://",
            "\u0000",
            "/",
            "relative/path",
            "10.0.0.0/33",
            "%zz",
            "\u00e9");
    List<String> keys = new ArrayList<>(KEYS);
    keys.addAll(List.of("passkey", "listn", "<<", "Listen", "secret"));
    Arbitrary<String> asTrees = TreeMutations.of(trees, leaves, keys, ConfigFuzzTest::yaml);
    List<String> tokens =
        List.of(
            ":",
            ": ",
            "- ",
            "\n",
            "\n  ",
            "  ",
            "\t",
            "{",
            "}",
            "[",
            "]",
            ",",
            "'",
            "\"",
            "#",
            "&a ",
            "*a",
            "!!binary ",
            "!!int ",
            "!!map ",
            "~",
            "null",
            "true",
            "---\n",
            "...\n",
            "<<: *a",
            "? ",
            "|\n",
            ">\n",
            "%YAML 1.2\n",
            "\\",
            "\\u",
            "99999999999999999999",
            "2147483648",
            "-1",
            "0x10",
            "1e9",
            "%");
    Arbitrary<String> yaml =
        Arbitraries.frequencyOf(
            Tuple.of(2, asTrees),
            Tuple.of(2, Mutations.text(seeds, tokens)),
            Tuple.of(1, Mutations.text(asTrees, tokens)));
    return Combinators.combine(yaml, Arbitraries.integers().between(0, 7))
        .as((text, pick) -> new Input(text, pick == 0));
  }

  private static String yaml(Object tree) {
    try {
      return YAML.writeValueAsString(tree);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
