package org.itgc.platform.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;

/**
 * Tomcat's answer to a request it refuses before the application sees it (an encoded NUL or slash in the path, a
 * malformed request line): problem+json instead of Tomcat's HTML report with its version. Set as the host's error
 * report valve ({@link TomcatErrors}).
 */
public class ProblemErrorReportValve extends ErrorReportValve {

  @Override
  protected void report(Request request, Response response, Throwable throwable) {
    int status = response.getStatus();
    if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
      return;
    }
    try {
      if (String.valueOf(request.getRequestURI()).startsWith("/scim/")) {
        response.setContentType("application/scim+json");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.getReporter().write("{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:Error\"],\"status\":\""
            + status + "\",\"detail\":\"The request was refused before it reached the application: its address or "
            + "headers are not valid.\"}");
        return;
      }
      response.setContentType("application/problem+json");
      response.setCharacterEncoding(StandardCharsets.UTF_8.name());
      var known = org.springframework.http.HttpStatus.resolve(status);
      String title = known == null ? "Error" : known.getReasonPhrase();
      response.getReporter().write("{\"type\":\"about:blank\",\"title\":\"" + title + "\",\"status\":" + status
          + ",\"detail\":\"" + (status >= 500 ? "The request could not be completed."
          : status == 400 ? "The request was refused before it reached the application: its address or headers are "
          + "not valid (for example an encoded NUL or slash in the path)."
          : "The request was answered before it reached the application.") + "\"}");
    } catch (IOException | IllegalStateException e) {
      // the connection is gone or the answer already started: nothing more to say
    }
  }
}
