package org.itgc.platform;

import jakarta.annotation.Priority;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import java.util.LinkedHashMap;
import org.camunda.bpm.engine.ProcessEngineException;
import org.camunda.bpm.engine.rest.exception.ExceptionHandlerHelper;
import org.camunda.bpm.spring.boot.starter.rest.CamundaJerseyResourceConfig;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The engine REST API as the starter configures it, plus two corrections: a model that is not even well-formed XML
 * (or a DMN the engine cannot transform) is a bad request (400) naming the file and the parser's message, like a
 * model with BPMN errors already is, instead of a 500; and a refusal thrown by a listener is answered as the refusal
 * (403 or 400), not as the 500 of the wrapper the engine puts around it.
 */
@Configuration(proxyBeanMethods = false)
public class EngineRestConfiguration {

  @Bean
  CamundaJerseyResourceConfig camundaJerseyResourceConfig() {
    return new CamundaJerseyResourceConfig() {
      @Override
      protected void registerAdditionalResources() {
        super.registerAdditionalResources();
        register(InvalidModelMapper.class);
        register(WrappedRefusalMapper.class);
      }
    };
  }

  /**
   * The REST resources turn an engine error during task completion into a 500 {@link RestException}; when its cause
   * is a refusal by the application's rules, answer the refusal (403 or 400) with its own message.
   */
  @Priority(1)
  public static class WrappedRefusalMapper implements ExceptionMapper<org.camunda.bpm.engine.rest.exception.RestException> {

    @Override
    public Response toResponse(org.camunda.bpm.engine.rest.exception.RestException exception) {
      Throwable refusal = exception.getStatus() == Response.Status.INTERNAL_SERVER_ERROR
          ? EngineRefusals.refusal(exception.getCause()) : null;
      return ExceptionHandlerHelper.getInstance().getResponse(refusal == null ? exception : refusal);
    }
  }

  /** 400 for models the engine could not parse; every other engine error as Camunda answers it. */
  @Priority(1)
  public static class InvalidModelMapper implements ExceptionMapper<ProcessEngineException> {

    @Override
    public Response toResponse(ProcessEngineException exception) {
      if (!isUnparseableModel(exception)) {
        // a refusal inside a listener (segregation of duties, a missing field) arrives wrapped in ENGINE-03051;
        // answer it as what it is: 403 or 400 with its own message
        Throwable cause = EngineRefusals.refusal(exception);
        return ExceptionHandlerHelper.getInstance().getResponse(cause == null ? exception : cause);
      }
      var body = new LinkedHashMap<String, Object>();
      body.put("type", "ParseException");
      body.put("message", exception.getMessage());
      body.put("code", 0);
      return Response.status(Response.Status.BAD_REQUEST).type(MediaType.APPLICATION_JSON_TYPE).entity(body).build();
    }

    static boolean isUnparseableModel(Throwable exception) {
      for (Throwable t = exception; t != null; t = t.getCause()) {
        String message = String.valueOf(t.getMessage());
        if (t instanceof org.camunda.bpm.engine.ParseException || message.startsWith("ENGINE-09003")
            || message.startsWith("DMN-02003") || message.startsWith("DMN-02004")
            || t instanceof org.xml.sax.SAXParseException) {
          return true;
        }
      }
      return false;
    }
  }
}
