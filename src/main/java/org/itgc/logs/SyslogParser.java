package org.itgc.logs;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Parses one syslog message of RFC 5424 (section 6): {@code <PRI>VERSION SP TIMESTAMP SP HOSTNAME SP APP-NAME SP
 * PROCID SP MSGID SP STRUCTURED-DATA [SP MSG]}. Strict about the header and the structured data (a message that does
 * not follow them is refused with the reason and the position, and kept raw by the caller); lenient only in that an
 * SD-ID may be longer than 32 characters (the token-as-SD-ID shape of Loggly, {@code [<token>@41058 ...]}, needs it).
 * A BOM opening the MSG is removed (section 6.4).
 */
public final class SyslogParser {

  /** A message that is not RFC 5424. */
  public static final class SyslogFormatException extends Exception {
    public SyslogFormatException(String message) {
      super(message);
    }
  }

  private final String text;
  private int at;

  private SyslogParser(String text) {
    this.text = text;
  }

  public static SyslogMessage parse(byte[] frame) throws SyslogFormatException {
    return parse(new String(frame, StandardCharsets.UTF_8));
  }

  public static SyslogMessage parse(String message) throws SyslogFormatException {
    return new SyslogParser(message).message();
  }

  private SyslogMessage message() throws SyslogFormatException {
    expect('<', "PRI must open with '<'");
    int start = at;
    while (at < text.length() && Character.isDigit(text.charAt(at)) && at - start < 3) {
      at++;
    }
    if (at == start || at >= text.length() || text.charAt(at) != '>') {
      throw fail("PRI must be 1 to 3 digits between '<' and '>'");
    }
    int pri = Integer.parseInt(text.substring(start, at));
    if (pri > 191 || (text.charAt(start) == '0' && at - start > 1)) {
      throw fail("PRI must be 0 to 191 without leading zeros");
    }
    at++;
    start = at;
    while (at < text.length() && Character.isDigit(text.charAt(at)) && at - start < 3) {
      at++;
    }
    if (at == start || text.charAt(start) == '0') {
      throw fail("VERSION must follow PRI (1 for RFC 5424)");
    }
    int version = Integer.parseInt(text.substring(start, at));
    space("VERSION");
    String timestampText = field("TIMESTAMP", 64);
    java.time.Instant timestamp = null;
    if (timestampText != null) {
      try {
        timestamp = OffsetDateTime.parse(timestampText).toInstant();
      } catch (DateTimeParseException e) {
        throw fail("TIMESTAMP '" + timestampText + "' is not an RFC 3339 date-time with an offset");
      }
    }
    space("TIMESTAMP");
    String hostname = field("HOSTNAME", 255);
    space("HOSTNAME");
    String appName = field("APP-NAME", 48);
    space("APP-NAME");
    String procId = field("PROCID", 128);
    space("PROCID");
    String msgId = field("MSGID", 32);
    space("MSGID");
    Map<String, Map<String, String>> sd = structuredData();
    String msg = null;
    if (at < text.length()) {
      if (text.charAt(at) != ' ') {
        throw fail("a space must separate STRUCTURED-DATA and MSG");
      }
      msg = text.substring(at + 1);
      if (msg.startsWith("\uFEFF")) {
        msg = msg.substring(1);
      }
    }
    return new SyslogMessage(pri / 8, pri % 8, version, timestamp, hostname, appName, procId, msgId, sd, msg);
  }

  /** A header field: printable US-ASCII up to a space; "-" is NILVALUE (null). */
  private String field(String name, int maxLength) throws SyslogFormatException {
    int start = at;
    while (at < text.length() && text.charAt(at) != ' ') {
      char c = text.charAt(at);
      if (c < 33 || c > 126) {
        throw fail(name + " must be printable US-ASCII");
      }
      at++;
    }
    if (at == start) {
      throw fail(name + " is missing (NILVALUE is '-')");
    }
    if (at - start > maxLength) {
      throw fail(name + " is longer than " + maxLength + " characters");
    }
    String value = text.substring(start, at);
    return value.equals("-") ? null : value;
  }

  private Map<String, Map<String, String>> structuredData() throws SyslogFormatException {
    if (at >= text.length()) {
      throw fail("STRUCTURED-DATA is missing (NILVALUE is '-')");
    }
    if (text.charAt(at) == '-') {
      at++;
      return Map.of();
    }
    if (text.charAt(at) != '[') {
      throw fail("STRUCTURED-DATA must be '-' or open with '['");
    }
    Map<String, Map<String, String>> elements = new LinkedHashMap<>();
    while (at < text.length() && text.charAt(at) == '[') {
      at++;
      String id = name("SD-ID");
      if (elements.containsKey(id)) {
        throw fail("SD-ID '" + id + "' occurs twice (section 6.3.2)");
      }
      Map<String, String> params = new LinkedHashMap<>();
      while (at < text.length() && text.charAt(at) == ' ') {
        at++;
        String param = name("PARAM-NAME");
        expect('=', "'=' must follow PARAM-NAME '" + param + "'");
        expect('"', "PARAM-VALUE of '" + param + "' must be in double quotes");
        StringBuilder value = new StringBuilder();
        while (true) {
          if (at >= text.length()) {
            throw fail("PARAM-VALUE of '" + param + "' is not closed by '\"'");
          }
          char c = text.charAt(at);
          if (c == '\\' && at + 1 < text.length() && "\"\\]".indexOf(text.charAt(at + 1)) >= 0) {
            value.append(text.charAt(at + 1));
            at += 2;
          } else if (c == '"') {
            at++;
            break;
          } else if (c == ']') {
            throw fail("']' inside PARAM-VALUE of '" + param + "' must be escaped as '\\]'");
          } else {
            value.append(c);
            at++;
          }
        }
        params.putIfAbsent(param, value.toString());
      }
      expect(']', "SD-ELEMENT '" + id + "' must close with ']'");
      elements.put(id, Collections.unmodifiableMap(params));
    }
    return Collections.unmodifiableMap(elements);
  }

  /** An SD-NAME: printable US-ASCII except '=', space, ']' and '"'. */
  private String name(String what) throws SyslogFormatException {
    int start = at;
    while (at < text.length()) {
      char c = text.charAt(at);
      if (c < 33 || c > 126 || c == '=' || c == ']' || c == '"') {
        break;
      }
      at++;
    }
    if (at == start) {
      throw fail(what + " is missing or has a character it may not have");
    }
    if (at - start > 32 && !what.equals("SD-ID")) {
      throw fail(what + " is longer than 32 characters");
    }
    return text.substring(start, at);
  }

  private void space(String after) throws SyslogFormatException {
    if (at >= text.length() || text.charAt(at) != ' ') {
      throw fail("a space must follow " + after);
    }
    at++;
  }

  private void expect(char c, String problem) throws SyslogFormatException {
    if (at >= text.length() || text.charAt(at) != c) {
      throw fail(problem);
    }
    at++;
  }

  private SyslogFormatException fail(String problem) {
    return new SyslogFormatException("not RFC 5424 at character " + at + ": " + problem);
  }
}
