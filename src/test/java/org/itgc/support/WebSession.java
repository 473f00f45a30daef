package org.itgc.support;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** A browser-like session without a browser: cookies, form posts with the page's CSRF token, no redirects followed. */
public final class WebSession {

  private static final Pattern CSRF = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"|value=\"([^\"]+)\"[^>]*name=\"_csrf\"");
  private final CookieManager cookies = new CookieManager();
  private final HttpClient client = HttpClient.newBuilder().cookieHandler(cookies)
      .followRedirects(HttpClient.Redirect.NEVER).build();
  private final String base;
  private String csrf;

  public WebSession(int port) {
    this.base = "http://localhost:" + port;
  }

  /** A response: status, where it redirects (path only), body. */
  public record Page(int status, String location, String body, String contentType) {}

  private static final java.util.Map<String, WebSession> SIGNED_IN = new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * A signed-in session of {@code user} shared by the tests of one application that only read with it: each login
   * takes a TOTP code, and the engine accepts each time step once per user, so repeated logins of one user wait for
   * fresh steps (up to 30 seconds each). Tests of the login itself or of a session's end use {@link #tasklist}.
   */
  public static WebSession signedIn(int port, String user) {
    return SIGNED_IN.computeIfAbsent(port + "/" + user, key -> tasklist(port, user, Http.DEMO_PASSWORD));
  }

  /** A Tasklist login with password and second factor; a new user enrols on the way. */
  public static WebSession tasklist(int port, String user, String password) {
    var session = new WebSession(port);
    var afterPassword = session.password(user, password);
    if ("/mfa/enrol".equals(afterPassword.location())) {
      var secret = Pattern.compile("id=secret>([A-Z2-7]+)<").matcher(session.get("/mfa/enrol").body());
      org.assertj.core.api.Assertions.assertThat(secret.find()).isTrue();
      org.assertj.core.api.Assertions.assertThat(session.post("/mfa/enrol",
          Map.of("code", Codes.next(user, secret.group(1)))).status()).isEqualTo(200);
    } else {
      org.assertj.core.api.Assertions.assertThat(session.code(Codes.next(user)).status()).isEqualTo(302);
    }
    org.assertj.core.api.Assertions.assertThat(session.get("/api/me").status()).isEqualTo(200);
    return session;
  }

  private static final Pattern META_CSRF = Pattern.compile("<meta name=\"_csrf\" content=\"([^\"]+)\"");
  private static final Pattern META_CSRF_HEADER = Pattern.compile("<meta name=\"_csrf_header\" content=\"([^\"]+)\"");

  /**
   * An {@link Http} client of {@code /api} that rides this signed-in session: its session cookie, and the CSRF token
   * of a portal page in the header that page names, as the portal's pages send state-changing requests. No password
   * is checked per request (HTTP Basic costs a BCrypt check each time); the session's own login had both factors.
   */
  public Http http() {
    var page = get("/app");
    org.assertj.core.api.Assertions.assertThat(page.status()).as("the portal's home page").isEqualTo(200);
    Matcher token = META_CSRF.matcher(page.body());
    Matcher header = META_CSRF_HEADER.matcher(page.body());
    org.assertj.core.api.Assertions.assertThat(token.find() && header.find()).as("the page names its CSRF token")
        .isTrue();
    String cookie = cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals("JSESSIONID"))
        .map(java.net.HttpCookie::toString).findFirst().orElseThrow(() -> new AssertionError("no session cookie"));
    return Http.session(Integer.parseInt(base.substring(base.lastIndexOf(':') + 1)), cookie, header.group(1),
        token.group(1));
  }

  public Page get(String path) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
  }

  public Page post(String path, Map<String, String> form) {
    String body = form.entrySet().stream().map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
        .collect(Collectors.joining("&"));
    if (csrf != null) {
      body = body + (body.isEmpty() ? "" : "&") + "_csrf=" + encode(csrf);
    }
    return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  /**
   * A call of Tasklist's own REST API ({@code /camunda/api/...}) as Tasklist makes it: JSON, with the webapps' CSRF
   * token (cookie {@code XSRF-TOKEN}, sent back as header {@code X-XSRF-TOKEN}; a first GET of Tasklist sets it).
   */
  public Page api(String method, String path, String json) {
    if (xsrf() == null) {
      get("/camunda/app/tasklist/default/");
    }
    var builder = HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
        .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
    String token = xsrf();
    if (token != null) {
      builder.header("X-XSRF-TOKEN", token);
    }
    return send(builder);
  }

  private String xsrf() {
    return cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals("XSRF-TOKEN"))
        .map(java.net.HttpCookie::getValue).findFirst().orElse(null);
  }

  /** Password step: the login page, then the form; returns the redirect after it. */
  public Page password(String user, String password) {
    get("/login");
    return post("/login", Map.of("username", user, "password", password));
  }

  /** Second step: the code page, then the code. */
  public Page code(String code) {
    get("/mfa");
    return post("/mfa", Map.of("code", code));
  }

  private Page send(HttpRequest.Builder builder) {
    try {
      HttpResponse<String> response = client.send(builder.header("Accept", "text/html,application/json").build(),
          HttpResponse.BodyHandlers.ofString());
      Matcher m = CSRF.matcher(response.body());
      if (m.find()) {
        csrf = m.group(1) != null ? m.group(1) : m.group(2);
      }
      String location = response.headers().firstValue("Location").map(l -> l.replace(base, "")).orElse(null);
      return new Page(response.statusCode(), location, response.body(),
          response.headers().firstValue("Content-Type").orElse(""));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
