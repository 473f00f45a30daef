package org.itgc.support;

import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Every operation of Camunda's REST API as "VERB /path/{param}", found by reflection over the engine's own REST
 * resources from the root down through sub-resource locators (so that an operation a Camunda upgrade adds is found
 * too).
 */
public final class EngineRestOperations {

  private EngineRestOperations() {}

  public static List<String> all() {
    TreeSet<String> found = new TreeSet<>();
    walk(org.camunda.bpm.engine.rest.impl.DefaultProcessEngineRestServiceImpl.class, "", found, 0);
    return new ArrayList<>(found);
  }

  private static void walk(Class<?> type, String prefix, TreeSet<String> found, int depth) {
    for (Method method : type.getMethods()) {
      Path path = method.getAnnotation(Path.class);
      String full = (prefix + (path == null ? "" : path.value())).replaceAll("//+", "/");
      String verb = method.isAnnotationPresent(POST.class) ? "POST" : method.isAnnotationPresent(PUT.class) ? "PUT"
          : method.isAnnotationPresent(DELETE.class) ? "DELETE" : method.isAnnotationPresent(GET.class) ? "GET" : null;
      if (verb != null) {
        found.add(verb + " " + full);
      } else if (path != null && depth < 6 && method.getReturnType().getName().startsWith("org.camunda.")) {
        walk(method.getReturnType(), full, found, depth + 1);
      }
    }
  }
}
