package org.itgc.platform.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.ProblemDetail;

/**
 * An error answered outside Spring MVC's handlers (a filter, the error page): problem+json (RFC 9457), or SCIM's error
 * message (RFC 7644 section 3.12) for a path under {@code /scim/}. The one place that knows both shapes.
 */
public final class ErrorAnswers {

  /** The schema of SCIM's error message. */
  public static final String SCIM_ERROR = "urn:ietf:params:scim:api:messages:2.0:Error";

  private ErrorAnswers() {}

  /** SCIM's error message; {@code scimType} may be null. */
  public static Map<String, Object> scimBody(int status, String scimType, String detail) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("schemas", List.of(SCIM_ERROR));
    body.put("status", String.valueOf(status));
    if (scimType != null) {
      body.put("scimType", scimType);
    }
    body.put("detail", detail);
    return body;
  }

  /**
   * Writes the problem as the answer for {@code path} (the request's path inside the application): SCIM's format
   * under {@code /scim/}, else problem+json with the path as its instance where the problem names none.
   */
  public static void write(HttpServletResponse response, ObjectMapper json, String path, ProblemDetail problem)
      throws IOException {
    response.setStatus(problem.getStatus());
    response.setCharacterEncoding(StandardCharsets.UTF_8.name());
    Object body;
    if (path.startsWith("/scim/")) {
      response.setContentType("application/scim+json");
      body = scimBody(problem.getStatus(), null, problem.getDetail());
    } else {
      response.setContentType("application/problem+json");
      if (problem.getInstance() == null) {
        try {
          problem.setInstance(new java.net.URI(path));
        } catch (java.net.URISyntaxException notAUri) {
          // left out: the path as sent is not a URI
        }
      }
      body = problem;
    }
    // bytes, whichever of writer and stream the code before had taken
    response.getOutputStream().write(json.writeValueAsBytes(body));
  }
}
