package org.itgc.platform.web;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.LinkedHashMap;
import java.util.Map;
import org.glassfish.jersey.server.ParamException;
import org.springframework.boot.autoconfigure.jersey.ResourceConfigCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * A query or path parameter of Camunda's REST API that is not of its type ({@code maxResults=many}) is, by the JAX-RS
 * rule, a 404 "HTTP 404 Not Found" naming nothing. This mapper answers it as what it is: a 400 naming the parameter,
 * in the engine's error shape, which {@link EngineRestProblems} then writes as problem+json.
 */
@Configuration(proxyBeanMethods = false)
public class EngineRestParameters {

  @Bean
  ResourceConfigCustomizer engineRestParameterErrors() {
    return config -> config.register(ParameterErrors.class);
  }

  /** The mapper Jersey picks for a parameter it cannot convert (more specific than Camunda's own). */
  @Provider
  public static class ParameterErrors implements ExceptionMapper<ParamException> {

    @Override
    public Response toResponse(ParamException error) {
      String kind = error instanceof ParamException.PathParamException ? "path parameter"
          : error instanceof ParamException.QueryParamException ? "query parameter" : "parameter";
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("type", "InvalidRequestException");
      body.put("message", kind + " '" + error.getParameterName() + "': not a valid value of its type (a number, a"
          + " date, true or false)");
      body.put("code", null);
      return Response.status(400).type(MediaType.APPLICATION_JSON_TYPE).entity(body).build();
    }
  }
}
