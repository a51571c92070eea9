package io.layerswarm.testing.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** HTTP/1.1 requests for the fuzz targets of HTTP listeners, built around fuzzed parts. */
public final class HttpInputs {
  private HttpInputs() {}

  /**
   * The target with every character a request line cannot carry percent-encoded (as UTF-8), so the
   * request line stays well-formed and the target's own grammar is what gets fuzzed.
   */
  public static String requestLineSafe(String target) {
    StringBuilder out = new StringBuilder();
    for (byte b : target.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (c > 0x20 && c < 0x7f) {
        out.append((char) c);
      } else {
        out.append('%').append(String.format("%02X", c));
      }
    }
    return out.toString();
  }

  /**
   * The request: {@code head} (request line and header lines, each ending in CRLF, without the
   * blank line), then {@code body} framed by {@code Content-Length}, or chunked (one chunk, then
   * the last).
   */
  public static byte[] withBody(String head, byte[] body, boolean chunked) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    if (chunked) {
      out.writeBytes(latin1(head + "Transfer-Encoding: chunked\r\n\r\n"));
      if (body.length > 0) {
        out.writeBytes(latin1(Integer.toHexString(body.length) + "\r\n"));
        out.writeBytes(body);
        out.writeBytes(latin1("\r\n"));
      }
      out.writeBytes(latin1("0\r\n\r\n"));
    } else {
      out.writeBytes(latin1(head + "Content-Length: " + body.length + "\r\n\r\n"));
      out.writeBytes(body);
    }
    return out.toByteArray();
  }

  private static byte[] latin1(String text) {
    return text.getBytes(StandardCharsets.ISO_8859_1);
  }
}
