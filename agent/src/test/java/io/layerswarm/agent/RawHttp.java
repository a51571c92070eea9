package io.layerswarm.agent;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, so tests control every byte of the request (repeated header lines,
 * unnormalized paths) and see every byte of the answer. One request per connection.
 */
final class RawHttp {
  private static final int TIMEOUT_MILLIS = 20_000;

  private RawHttp() {}

  record Response(int status, Map<String, List<String>> headers, byte[] body) {
    /** The first value of a header, or null. */
    String header(String name) {
      List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
      return values == null ? null : values.get(0);
    }

    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  /** Sends {@code method path} with the given header lines (each {@code "Name: value"}). */
  static Response send(InetSocketAddress address, String method, String path, String... headerLines)
      throws IOException {
    StringBuilder request =
        new StringBuilder()
            .append(method)
            .append(' ')
            .append(path)
            .append(" HTTP/1.1\r\n")
            .append("Host: ")
            .append(address.getHostString())
            .append(':')
            .append(address.getPort())
            .append("\r\n");
    for (String line : headerLines) {
      request.append(line).append("\r\n");
    }
    request.append("Connection: close\r\n\r\n");
    return exchange(
        address, request.toString().getBytes(StandardCharsets.ISO_8859_1), method.equals("HEAD"));
  }

  static Response get(InetSocketAddress address, String path, String... headerLines)
      throws IOException {
    return send(address, "GET", path, headerLines);
  }

  /** Writes {@code request} as is and reads the answer until the server closes. */
  static Response exchange(InetSocketAddress address, byte[] request, boolean head)
      throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(address, TIMEOUT_MILLIS);
      socket.setSoTimeout(TIMEOUT_MILLIS);
      OutputStream out = socket.getOutputStream();
      out.write(request);
      out.flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      in.transferTo(all);
      return parse(all.toByteArray(), head);
    }
  }

  private static Response parse(byte[] raw, boolean head) throws IOException {
    int end = indexOf(raw, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    if (end < 0) {
      throw new IOException(
          "no complete response head in "
              + raw.length
              + " bytes: "
              + new String(raw, StandardCharsets.ISO_8859_1));
    }
    String[] lines = new String(raw, 0, end, StandardCharsets.ISO_8859_1).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ", 3)[1]);
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers
          .computeIfAbsent(
              lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
          .add(lines[i].substring(colon + 1).trim());
    }
    byte[] body = Arrays.copyOfRange(raw, end + 4, raw.length);
    if (head) {
      if (body.length != 0) {
        throw new IOException("HEAD answer carried " + body.length + " body bytes");
      }
    } else if (headers.containsKey("content-length")) {
      long length = Long.parseLong(headers.get("content-length").get(0));
      if (length != body.length) {
        throw new IOException(
            "Content-Length " + length + " but " + body.length + " body bytes arrived");
      }
    }
    return new Response(status, headers, body);
  }

  private static int indexOf(byte[] data, byte[] pattern) {
    outer:
    for (int i = 0; i + pattern.length <= data.length; i++) {
      for (int j = 0; j < pattern.length; j++) {
        if (data[i + j] != pattern[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
