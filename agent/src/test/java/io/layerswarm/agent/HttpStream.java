package io.layerswarm.agent;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP/1.1 GET over a plain socket whose body the test reads piece by piece, so it can act
 * between the head and the rest, and see a body cut short. Public for the tests of every agent
 * package.
 */
public final class HttpStream implements Closeable {
  private static final int TIMEOUT_MILLIS = 30_000;

  private final Socket socket;
  private final InputStream in;
  private int status = -1;
  private final Map<String, String> headers = new LinkedHashMap<>();
  private long bodyRead;

  private HttpStream(Socket socket) throws IOException {
    this.socket = socket;
    this.in = socket.getInputStream();
  }

  /** Connects and sends the request; the answer is read by the other methods. */
  public static HttpStream get(InetSocketAddress address, String path, String... headerLines)
      throws IOException {
    Socket socket = new Socket();
    try {
      socket.connect(address, TIMEOUT_MILLIS);
      socket.setSoTimeout(TIMEOUT_MILLIS);
      StringBuilder request =
          new StringBuilder("GET ").append(path).append(" HTTP/1.1\r\n").append("Host: agent\r\n");
      for (String line : headerLines) {
        request.append(line).append("\r\n");
      }
      request.append("Connection: close\r\n\r\n");
      socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      return new HttpStream(socket);
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  /** Reads the status line and headers (blocks until the server sends them). */
  public HttpStream readHead() throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException("connection closed inside the response head: " + head);
      }
      head.write(b);
      matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
    status = Integer.parseInt(lines[0].split(" ", 3)[1]);
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.putIfAbsent(
          lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
          lines[i].substring(colon + 1).trim());
    }
    return this;
  }

  public int status() {
    return status;
  }

  public String header(String name) {
    return headers.get(name.toLowerCase(Locale.ROOT));
  }

  public long contentLength() {
    return Long.parseLong(header("Content-Length"));
  }

  /** Exactly {@code n} body bytes. */
  public byte[] readBody(int n) throws IOException {
    byte[] bytes = in.readNBytes(n);
    bodyRead += bytes.length;
    if (bytes.length != n) {
      throw new EOFException("wanted " + n + " body bytes, got " + bytes.length);
    }
    return bytes;
  }

  /** The rest of the body: up to Content-Length, or less when the server closes early. */
  public byte[] readRest() throws IOException {
    long remaining = contentLength() - bodyRead;
    byte[] bytes = in.readNBytes((int) remaining);
    bodyRead += bytes.length;
    return bytes;
  }

  /**
   * Reads the rest of the body into {@code sink} without keeping it, for large blobs.
   *
   * @return the bytes read
   */
  public long drainRest(MessageDigest sink) throws IOException {
    long remaining = contentLength() - bodyRead;
    byte[] buffer = new byte[64 * 1024];
    long read = 0;
    while (read < remaining) {
      int n = in.read(buffer, 0, (int) Math.min(buffer.length, remaining - read));
      if (n < 0) {
        break;
      }
      sink.update(buffer, 0, n);
      read += n;
    }
    bodyRead += read;
    return read;
  }

  /** True when the whole Content-Length arrived. */
  public boolean complete() {
    return bodyRead == contentLength();
  }

  public long bodyRead() {
    return bodyRead;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
