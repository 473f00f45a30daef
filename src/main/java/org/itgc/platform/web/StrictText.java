package org.itgc.platform.web;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import java.io.IOException;

/**
 * Every text field of every JSON request body: control characters other than tab, line feed and carriage return are
 * refused with a 400 naming the field (PostgreSQL cannot store NUL at all, and the others have no place in a name, a
 * title or a justification); fields that must be one line refuse line breaks in their own checks. Only the HTTP
 * message converters read with it ({@link Converters}; not a bean, so Spring Boot does not add it to its ObjectMapper): what the engine stored itself (audit details
 * that quote a refused value) is read back as it is.
 */
public class StrictText extends SimpleModule {

  public StrictText() {
    super("itgc-strict-text");
    addDeserializer(String.class, new Deserializer());
  }

  /** A control character other than tab, line feed and carriage return. */
  private static boolean forbidden(char c) {
    return (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f;
  }

  /** The text with every character that no field accepts replaced by U+FFFD (for evidence that is kept as sent). */
  public static String replaced(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      out.append(forbidden(c) ? '\uFFFD' : c);
    }
    return out.toString();
  }

  /** The first character of the text that no field accepts, or -1. */
  public static int firstForbidden(CharSequence text) {
    for (int i = 0; i < text.length(); i++) {
      if (forbidden(text.charAt(i))) {
        return i;
      }
    }
    return -1;
  }

  private static final class Deserializer extends StringDeserializer {
    @Override
    public String deserialize(JsonParser parser, DeserializationContext context) throws IOException {
      String text = super.deserialize(parser, context);
      int at = text == null ? -1 : firstForbidden(text);
      if (at >= 0) {
        throw JsonMappingException.from(parser, String.format(java.util.Locale.ROOT,
            "holds the control character U+%04X at position %d, which no text field accepts", (int) text.charAt(at),
            at + 1));
      }
      return text;
    }
  }

  /** The HTTP message converters read request bodies with a copy of Spring's ObjectMapper that has this module. */
  @org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
  static class Converters implements org.springframework.web.servlet.config.annotation.WebMvcConfigurer {
    @Override
    public void extendMessageConverters(
        java.util.List<org.springframework.http.converter.HttpMessageConverter<?>> converters) {
      // every Jackson reader (JSON, and YAML, CBOR or Smile where their libraries are present): the same rule, and
      // unknown fields refused whatever the format
      for (var converter : converters) {
        if (converter instanceof org.springframework.http.converter.json.AbstractJackson2HttpMessageConverter jackson) {
          jackson.setObjectMapper(jackson.getObjectMapper().copy().registerModule(new StrictText())
              .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES));
        }
      }
    }
  }
}
