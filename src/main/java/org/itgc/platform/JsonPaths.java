package org.itgc.platform;

import com.fasterxml.jackson.databind.JsonMappingException;

/** Names the place of a JSON or YAML mapping error as people write it: {@code systems[2].tier}. */
public final class JsonPaths {

  private JsonPaths() {}

  /** The path of the error, or an empty string when it is the whole document. */
  public static String of(JsonMappingException e) {
    var path = new StringBuilder();
    for (JsonMappingException.Reference reference : e.getPath()) {
      if (reference.getIndex() >= 0) {
        path.append('[').append(reference.getIndex()).append(']');
      } else if (reference.getFieldName() != null) {
        if (!path.isEmpty()) {
          path.append('.');
        }
        path.append(reference.getFieldName());
      }
    }
    return path.toString();
  }
}
