package io.layerswarm.it.clients;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.layerswarm.testing.SelfSignedCertificate;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small token server for docker-registry's {@code auth: token} (the distribution "token
 * authentication" spec): {@code GET /token?service=..&scope=repository:<name>:<actions>} with HTTP
 * basic credentials answers a JWT signed (ES256) by a key whose self-signed certificate the
 * registry trusts ({@code rootcertbundle}); the certificate travels in the token's {@code x5c}
 * header. Each user may hold some actions on some repositories; a token carries only the requested
 * actions the user holds, so a token scoped to repository A is worth nothing for B. A request
 * without credentials gets an empty token (the registry then answers 401), one with wrong
 * credentials gets 401 here.
 */
final class TokenIssuer implements AutoCloseable {
  static final String SERVICE = "layerswarm-test-registry";
  static final String ISSUER = "layerswarm-test-issuer";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A user: password, and the actions held per repository name. */
  record User(String password, Map<String, Set<String>> actions) {}

  private final HttpServer server;
  private final ExecutorService executor;
  private final SelfSignedCertificate certificate;
  private final PrivateKey key;
  private final byte[] certificateDer;
  private final Map<String, User> users = new ConcurrentHashMap<>();
  private final AtomicInteger refused = new AtomicInteger();
  private final AtomicInteger issued = new AtomicInteger();

  private TokenIssuer(HttpServer server, SelfSignedCertificate certificate)
      throws IOException, GeneralSecurityException {
    this.server = server;
    this.certificate = certificate;
    KeyStore store = certificate.load();
    String alias = store.aliases().nextElement();
    this.key = (PrivateKey) store.getKey(alias, SelfSignedCertificate.PASSWORD.toCharArray());
    this.certificateDer = store.getCertificate(alias).getEncoded();
    this.executor = Executors.newFixedThreadPool(2);
    server.setExecutor(executor);
    server.createContext("/token", this::token);
  }

  /** Starts on a free port of 127.0.0.1, with a fresh key and certificate in {@code dir}. */
  static TokenIssuer start(Path dir) throws Exception {
    SelfSignedCertificate certificate = SelfSignedCertificate.create(dir, "token-issuer");
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    TokenIssuer issuer = new TokenIssuer(server, certificate);
    server.start();
    return issuer;
  }

  void addUser(String name, String password, Map<String, Set<String>> actions) {
    users.put(name, new User(password, Map.copyOf(actions)));
  }

  URI realm() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/token");
  }

  /** The registry's {@code auth:} section that trusts this issuer. */
  String registryAuthSection() {
    return "auth:\n"
        + "  token:\n"
        + "    realm: '"
        + realm()
        + "'\n"
        + "    service: "
        + SERVICE
        + "\n"
        + "    issuer: "
        + ISSUER
        + "\n"
        + "    rootcertbundle: '"
        + certificate.certificate().toString().replace("'", "''")
        + "'\n";
  }

  /** Token requests refused for wrong credentials so far. */
  int refused() {
    return refused.get();
  }

  /** Tokens issued so far (with or without access). */
  int issued() {
    return issued.get();
  }

  private void token(HttpExchange exchange) throws IOException {
    try (exchange) {
      Map<String, List<String>> query = query(exchange.getRequestURI().getRawQuery());
      String user = null;
      String auth = exchange.getRequestHeaders().getFirst("Authorization");
      if (auth != null) {
        String[] pair = basic(auth);
        User known = pair == null ? null : users.get(pair[0]);
        if (known == null || !known.password().equals(pair[1])) {
          refused.incrementAndGet();
          exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"token\"");
          send(exchange, 401, Map.of("details", "wrong user name or password"));
          return;
        }
        user = pair[0];
      }
      List<Map<String, Object>> access = new ArrayList<>();
      for (String scope : query.getOrDefault("scope", List.of())) {
        // repository:<name>:<action>[,<action>]; names hold no ':' (no host part)
        String[] parts = scope.split(":");
        if (parts.length != 3 || !parts[0].equals("repository") || user == null) {
          continue;
        }
        Set<String> held = users.get(user).actions().getOrDefault(parts[1], Set.of());
        List<String> granted =
            List.of(parts[2].split(",")).stream().filter(held::contains).toList();
        if (!granted.isEmpty()) {
          access.add(Map.of("type", "repository", "name", parts[1], "actions", granted));
        }
      }
      String token = jwt(user == null ? "" : user, access);
      issued.incrementAndGet();
      send(
          exchange,
          200,
          Map.of(
              "token",
              token,
              "access_token",
              token,
              "expires_in",
              300,
              "issued_at",
              Instant.now().toString()));
    } catch (GeneralSecurityException e) {
      throw new IOException(e);
    }
  }

  private String jwt(String subject, List<Map<String, Object>> access)
      throws IOException, GeneralSecurityException {
    long now = Instant.now().getEpochSecond();
    byte[] jti = new byte[8];
    new SecureRandom().nextBytes(jti);
    Map<String, Object> header = new LinkedHashMap<>();
    header.put("typ", "JWT");
    header.put("alg", "ES256");
    header.put("x5c", List.of(Base64.getEncoder().encodeToString(certificateDer)));
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("iss", ISSUER);
    claims.put("sub", subject);
    claims.put("aud", SERVICE);
    claims.put("exp", now + 300);
    claims.put("nbf", now - 10);
    claims.put("iat", now);
    claims.put("jti", HexFormat.of().formatHex(jti));
    claims.put("access", access);
    Base64.Encoder url = Base64.getUrlEncoder().withoutPadding();
    String signingInput =
        url.encodeToString(JSON.writeValueAsBytes(header))
            + "."
            + url.encodeToString(JSON.writeValueAsBytes(claims));
    // JWS ES256 wants R||S (IEEE P1363), not the DER the plain algorithm gives.
    Signature signer = Signature.getInstance("SHA256withECDSAinP1363Format");
    signer.initSign(key);
    signer.update(signingInput.getBytes(StandardCharsets.US_ASCII));
    return signingInput + "." + url.encodeToString(signer.sign());
  }

  private static String[] basic(String header) {
    if (!header.regionMatches(true, 0, "Basic ", 0, 6)) {
      return null;
    }
    String decoded;
    try {
      decoded =
          new String(
              Base64.getDecoder().decode(header.substring(6).strip()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return null;
    }
    int colon = decoded.indexOf(':');
    return colon < 0
        ? null
        : new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)};
  }

  private static Map<String, List<String>> query(String raw) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    if (raw == null) {
      return out;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String name =
          URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value =
          eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      out.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
    }
    return out;
  }

  private static void send(HttpExchange exchange, int status, Map<String, Object> body)
      throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
