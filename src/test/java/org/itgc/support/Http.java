package org.itgc.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A small HTTP client for integration tests: as a user (HTTP Basic, or a signed-in browser session, see
 * {@link WebSession#http()}) or anonymous, JSON in and out.
 */
public final class Http {

  public static final String DEMO_PASSWORD = "Itgc-Demo-2026!";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient CLIENT = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

  private final String base;
  private final String authorization;
  /** Headers every request carries besides Authorization (a session's cookie and CSRF token). */
  private final java.util.Map<String, String> headers;

  private Http(String base, String authorization) {
    this(base, authorization, java.util.Map.of());
  }

  private Http(String base, String authorization, java.util.Map<String, String> headers) {
    this.base = base;
    this.authorization = authorization;
    this.headers = headers;
  }

  /**
   * A client that rides a signed-in browser session: its cookie and its CSRF token (in the header the portal's pages
   * name) on every request, as the portal's pages send them; no password is checked per request.
   */
  static Http session(int port, String cookie, String csrfHeader, String csrfToken) {
    return new Http("http://localhost:" + port, null, java.util.Map.of("Cookie", cookie, csrfHeader, csrfToken));
  }

  public static Http anonymous(int port) {
    return new Http("http://localhost:" + port, null);
  }

  public static Http as(int port, String user) {
    return as(port, user, DEMO_PASSWORD);
  }

  public static Http as(int port, String user, String password) {
    return new Http("http://localhost:" + port, "Basic " + Base64.getEncoder()
        .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
  }

  /** A client that sends a bearer token (SCIM). */
  public static Http bearer(int port, String token) {
    return new Http("http://localhost:" + port, "Bearer " + token);
  }

  /** Any method with a body of any content type. */
  public Response send(String method, String path, String contentType, String body) {
    return send(method, path, contentType, body, java.util.Map.of());
  }

  /** Any method with a body of any content type and extra headers. */
  public Response send(String method, String path, String contentType, String body,
      java.util.Map<String, String> headers) {
    var builder = request(path);
    headers.forEach(builder::header);
    if (contentType != null) {
      builder.header("Content-Type", contentType);
    }
    return send(builder.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofString(body)));
  }

  /** A response with its status, content type and body (parsed as JSON where it is JSON). */
  public record Response(int status, String contentType, String body, java.net.http.HttpHeaders headers) {
    public Response(int status, String contentType, String body) {
      this(status, contentType, body, java.net.http.HttpHeaders.of(java.util.Map.of(), (a, b) -> true));
    }

    /** A response header's first value, or null. */
    public String header(String name) {
      return headers.firstValue(name).orElse(null);
    }

    public JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON (" + status + "): " + body, e);
      }
    }

    @Override
    public String toString() {
      return status + " " + contentType + " " + body;
    }
  }

  public Response get(String path) {
    return send(request(path).GET());
  }

  public Response post(String path, String json) {
    return send(request(path).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  public Response put(String path, String json) {
    return send(request(path).header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString(json)));
  }

  public Response post(String path, String contentType, byte[] body) {
    return post(path, contentType, body, java.util.Map.of());
  }

  public Response post(String path, String contentType, byte[] body, java.util.Map<String, String> headers) {
    var builder = request(path).header("Content-Type", contentType);
    headers.forEach(builder::header);
    return send(builder.POST(HttpRequest.BodyPublishers.ofByteArray(body)));
  }

  public static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (IOException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private HttpRequest.Builder request(String path) {
    var builder = HttpRequest.newBuilder(URI.create(base + path)).header("Accept", "application/json");
    if (authorization != null) {
      builder.header("Authorization", authorization);
    }
    headers.forEach(builder::header);
    return builder;
  }

  private static Response send(HttpRequest.Builder builder) {
    try {
      HttpResponse<String> response = CLIENT.send(builder.build(), HttpResponse.BodyHandlers.ofString());
      return new Response(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
          response.body(), response.headers());
    } catch (IOException e) {
      throw new AssertionError(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
