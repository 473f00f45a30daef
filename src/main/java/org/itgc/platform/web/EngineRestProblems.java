package org.itgc.platform.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Camunda's REST API and Tasklist's answer errors as {@code {"type": "<exception class>", "message": ..., "code": ...}}
 * in {@code application/json}, naming the engine's classes. This filter turns every such error into RFC 9457
 * problem+json: {@code type} {@code urn:itgc:problem:engine-rest:<kind>} (for example {@code invalid-request}),
 * {@code title} the status's reason, {@code detail} the engine's message in words (a class name becomes the kind of
 * value it stands for, exception names are dropped), {@code status}, {@code instance} the path. The message is kept
 * as {@code message} and the engine's error code as {@code code}, which Tasklist, Cockpit and Camunda Modeler show.
 * An error in another shape (an empty 404 of an unknown path, a 405) becomes a problem of its status. Three kinds of the
 * engine's 500 are bad input, not server errors, and answered as such: a record the path names that does not exist
 * (the engine's "null value" and some null pointers: 404), and a body beyond Jackson's limits (400). Successful answers
 * pass unchanged; an error already in problem+json (the surface guard's refusals) too.
 */
public class EngineRestProblems extends OncePerRequestFilter {

  public static final String TYPE_PREFIX = "urn:itgc:problem:engine-rest:";
  private static final Pattern QUALIFIED = Pattern.compile(
      "\\b(?:class\\s+)?(?:java|javax|jakarta|org|com|net)\\.(?:[a-zA-Z_$][a-zA-Z0-9_$]*\\.)*([A-Za-z_$][A-Za-z0-9_$]*)"
      + "(:\\s*)?");
  private static final Pattern EXCEPTION_NAME = Pattern.compile("\\b[A-Z][A-Za-z0-9]*(?:Exception|Error)\\b:?\\s*");
  private static final Map<String, String> VALUE_KINDS = Map.ofEntries(Map.entry("Integer", "a whole number"),
      Map.entry("int", "a whole number"), Map.entry("Long", "a whole number"), Map.entry("long", "a whole number"),
      Map.entry("Short", "a whole number"), Map.entry("Double", "a number"), Map.entry("Float", "a number"),
      Map.entry("Boolean", "true or false"), Map.entry("boolean", "true or false"), Map.entry("Date", "a date and time"),
      Map.entry("String", "a text"), Map.entry("List", "a list"), Map.entry("ArrayList", "a list"),
      Map.entry("Set", "a list"), Map.entry("Map", "an object"), Map.entry("HashMap", "an object"),
      Map.entry("LinkedHashMap", "an object"), Map.entry("Object", "a value"));

  /** Messages of the engine that say a record the request names does not exist. */
  private static final Pattern NOT_FOUND = Pattern.compile(
      "doesn't exist|does not exist|not found|no deployed|Cannot find|is null$", Pattern.CASE_INSENSITIVE);
  /** A failure of the database or the code behind a step, which no client's input explains. */
  private static final Pattern SERVER_SIDE = Pattern.compile(
      "relation|column|SQL|constraint|connection|transaction|deadlock", Pattern.CASE_INSENSITIVE);
  /** Path segments that are the API's own words (task, process-instance, ...), not ids (ids have digits). */
  private static final Pattern RESOURCE_NAMES = Pattern.compile("[a-zA-Z]+(-[a-zA-Z]+)*");
  /** A null pointer the engine met for a record looked up by the path's id. */
  private static final Pattern NULL_SUBJECT = Pattern.compile("because \"(task|execution|processInstance|job|"
      + "processDefinition|decisionDefinition|caseExecution|caseInstance|deployment|batch|incident|externalTask)\" is null");

  private final ObjectMapper json;

  public EngineRestProblems(ObjectMapper json) {
    this.json = json;
  }

  @Override
  protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    var answer = new ErrorBodies(response);
    chain.doFilter(request, answer);
    if (answer.buffering() || (response.getStatus() >= 400 && !response.isCommitted())) {
      String type = response.getContentType();
      byte[] body = answer.buffered();
      if (type != null && type.toLowerCase(Locale.ROOT).startsWith("application/problem+json")) {
        response.setContentLength(body.length);
        response.getOutputStream().write(body); // a problem already (the surface guard's)
        return;
      }
      Map<String, Object> problem = problem(response.getStatus(), body, request.getMethod(), request.getRequestURI());
      byte[] written = json.writeValueAsBytes(problem);
      response.setStatus((Integer) problem.get("status"));
      response.setContentType("application/problem+json");
      response.setContentLength(written.length);
      response.getOutputStream().write(written);
    }
  }

  /**
   * The response as the engine writes it: streamed through untouched when it is a success, kept back when the
   * status is an error (the engine sets the status before it writes the entity), to be rewritten as a problem.
   */
  static final class ErrorBodies extends jakarta.servlet.http.HttpServletResponseWrapper {

    private java.io.ByteArrayOutputStream buffer;
    private jakarta.servlet.ServletOutputStream bufferStream;
    private java.io.PrintWriter bufferWriter;
    private boolean decided;

    ErrorBodies(HttpServletResponse response) {
      super(response);
    }

    boolean buffering() {
      return buffer != null;
    }

    byte[] buffered() {
      if (bufferWriter != null) {
        bufferWriter.flush();
      }
      return buffer == null ? new byte[0] : buffer.toByteArray();
    }

    private boolean decide() {
      if (!decided) {
        decided = true;
        if (getStatus() >= 400) {
          buffer = new java.io.ByteArrayOutputStream();
        }
      }
      return buffer != null;
    }

    @Override
    public jakarta.servlet.ServletOutputStream getOutputStream() throws IOException {
      if (!decide()) {
        return super.getOutputStream();
      }
      if (bufferStream == null) {
        bufferStream = new jakarta.servlet.ServletOutputStream() {
          @Override
          public void write(int b) {
            buffer.write(b);
          }

          @Override
          public void write(byte[] bytes, int offset, int length) {
            buffer.write(bytes, offset, length);
          }

          @Override
          public boolean isReady() {
            return true;
          }

          @Override
          public void setWriteListener(jakarta.servlet.WriteListener listener) {
            throw new UnsupportedOperationException("an error body is written at once");
          }
        };
      }
      return bufferStream;
    }

    @Override
    public java.io.PrintWriter getWriter() throws IOException {
      if (!decide()) {
        return super.getWriter();
      }
      if (bufferWriter == null) {
        bufferWriter = new java.io.PrintWriter(new java.io.OutputStreamWriter(buffer,
            getCharacterEncoding() == null ? "UTF-8" : getCharacterEncoding()));
      }
      return bufferWriter;
    }

    @Override
    public void flushBuffer() throws IOException {
      if (!buffering()) {
        super.flushBuffer();
      }
    }

    @Override
    public void setContentLength(int length) {
      if (getStatus() < 400) {
        super.setContentLength(length);
      }
    }

    @Override
    public void setContentLengthLong(long length) {
      if (getStatus() < 400) {
        super.setContentLengthLong(length);
      }
    }

    @Override
    public void setHeader(String name, String value) {
      if (!"Content-Length".equalsIgnoreCase(name) || getStatus() < 400) {
        super.setHeader(name, value);
      }
    }

    @Override
    public void addHeader(String name, String value) {
      if (!"Content-Length".equalsIgnoreCase(name) || getStatus() < 400) {
        super.addHeader(name, value);
      }
    }

    @Override
    public void setIntHeader(String name, int value) {
      if (!"Content-Length".equalsIgnoreCase(name) || getStatus() < 400) {
        super.setIntHeader(name, value);
      }
    }
  }

  /** The problem for an engine's error body (or for a body that is not the engine's shape: its status alone). */
  Map<String, Object> problem(int answered, byte[] body, String method, String path) {
    int status = answered;
    JsonNode error = null;
    try {
      error = body.length == 0 ? null : json.readTree(body);
    } catch (IOException notJson) {
      // the status says enough
    }
    String engineType = error == null ? "" : error.path("type").asText("");
    String message = error == null ? "" : error.path("message").asText("");
    if (status == 500) {
      Matcher nullSubject = NULL_SUBJECT.matcher(message);
      if (engineType.equals("StreamConstraintsException")) {
        // Jackson's limits (nesting depth 1,000, for example) met by a request body
        status = 400;
        message = "body: " + message.replaceAll(", from `[^`]*`", "");
      } else if ((engineType.equals("NullValueException") || engineType.equals("RestException"))
          && NOT_FOUND.matcher(message).find() && namesThePathsRecord(message, path)
          && !SERVER_SIDE.matcher(message).find()) {
        // the engine's way of saying that the record the path names does not exist
        status = 404;
      } else if (engineType.equals("NullPointerException") && "GET".equals(method) && nullSubject.find()) {
        // a read of a sub-resource of a record that does not exist, which the engine does not check itself
        status = 404;
        message = "no " + nullSubject.group(1) + " with the id the path names";
      }
    }
    String title = title(status);
    Map<String, Object> problem = new LinkedHashMap<>();
    problem.put("type", TYPE_PREFIX + kind(engineType, status));
    problem.put("title", title);
    problem.put("status", status);
    String detail = words(message);
    problem.put("detail", detail.isBlank() ? title : detail);
    problem.put("instance", path);
    problem.put("message", detail.isBlank() ? title : detail);
    if (error != null && error.isObject()) {
      // the engine's other members (which permission is missing, a model's parse errors with their lines) stay
      error.fields().forEachRemaining(member -> {
        if (!List.of("type", "message", "exceptionType").contains(member.getKey())) {
          problem.putIfAbsent(member.getKey(), member.getValue());
        }
      });
    }
    return problem;
  }

  /** Whether the message names an id of the path (a record of the path that does not exist, not some other one). */
  private static boolean namesThePathsRecord(String message, String path) {
    for (String segment : path.split("/")) {
      String id = java.net.URLDecoder.decode(segment, java.nio.charset.StandardCharsets.UTF_8);
      if (id.length() >= 3 && !RESOURCE_NAMES.matcher(id).matches() && message.contains(id)) {
        return true;
      }
    }
    return false;
  }

  /** "InvalidRequestException" is "invalid-request"; no type: the status's own words. */
  static String kind(String engineType, int status) {
    String name = engineType.replaceAll("(Exception|Error)$", "");
    if (name.isBlank()) {
      return title(status).toLowerCase(Locale.ROOT).replace(' ', '-');
    }
    return name.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
  }

  /** A message without the engine's class names: a value's class becomes what kind of value it is. */
  static String words(String message) {
    Matcher qualified = QUALIFIED.matcher(message);
    StringBuilder out = new StringBuilder();
    while (qualified.find()) {
      String simple = qualified.group(1);
      boolean exception = simple.matches(".*(Exception|Error)$");
      String replacement = exception ? "" : VALUE_KINDS.getOrDefault(simple, "a value")
          + (qualified.group(2) == null ? "" : qualified.group(2));
      qualified.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    qualified.appendTail(out);
    return EXCEPTION_NAME.matcher(out.toString()).replaceAll("").replaceAll("\\s{2,}", " ").strip();
  }

  private static String title(int status) {
    HttpStatus known = HttpStatus.resolve(status);
    return known == null ? "Error" : known.getReasonPhrase();
  }
}
