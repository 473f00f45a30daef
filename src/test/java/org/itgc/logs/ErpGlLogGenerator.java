package org.itgc.logs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Plays the ERP General Ledger (system ERP-GL of config/systems.yaml) writing its audit log: logins, failed logins,
 * reads and changes of invoices, as a HEC event ({@code event.user}, {@code event.action}, {@code event.object},
 * {@code before}/{@code after}) or as an RFC 5424 syslog message (the token in {@code [itgc@32473 token=...]}, the
 * facts in {@code [erp@32473 ...]}, before/after as the JSON message), as config/log-sources.yaml maps them.
 */
final class ErpGlLogGenerator {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** One thing a person did in ERP-GL. */
  record Activity(Instant at, String user, String action, String objectType, String objectId,
      Map<String, Object> before, Map<String, Object> after, String clientIp) {}

  private ErpGlLogGenerator() {}

  /**
   * A morning in accounts payable on {@code invoice}: John logs in and views it, Mary mistypes her password, logs in,
   * updates its amount and logs out; John views another invoice and logs out.
   */
  static List<Activity> morning(Instant start, String invoice, String otherInvoice) {
    List<Activity> day = new ArrayList<>();
    day.add(new Activity(start, "john", "LOGIN", null, null, null, null, "10.1.2.3"));
    day.add(new Activity(start.plusSeconds(30), "john", "VIEW", "invoice", invoice, null, null, "10.1.2.3"));
    day.add(new Activity(start.plusSeconds(60), "mary", "LOGIN_FAILED", null, null, null, null, "10.1.2.4"));
    day.add(new Activity(start.plusSeconds(65), "mary", "LOGIN", null, null, null, null, "10.1.2.4"));
    day.add(new Activity(start.plusSeconds(90), "mary", "VIEW", "invoice", invoice, null, null, "10.1.2.4"));
    day.add(new Activity(start.plusSeconds(120), "mary", "UPDATE", "invoice", invoice,
        Map.of("amount", 1200.00, "vendor", "V-100"), Map.of("amount", 1250.00, "vendor", "V-100"), "10.1.2.4"));
    day.add(new Activity(start.plusSeconds(150), "john", "VIEW", "invoice", otherInvoice, null, null, "10.1.2.3"));
    day.add(new Activity(start.plusSeconds(180), "mary", "LOGOUT", null, null, null, null, "10.1.2.4"));
    day.add(new Activity(start.plusSeconds(200), "john", "LOGOUT", null, null, null, null, "10.1.2.3"));
    return day;
  }

  /** The activities as one HEC request body: concatenated JSON events. */
  static String hecBody(List<Activity> activities) {
    StringBuilder body = new StringBuilder();
    for (Activity a : activities) {
      body.append(hec(a)).append('\n');
    }
    return body.toString();
  }

  static String hec(Activity a) {
    ObjectNode event = JSON.createObjectNode();
    event.put("time", new BigDecimal(a.at().getEpochSecond()).add(BigDecimal.valueOf(a.at().getNano(), 9)));
    event.put("host", "erp-gl-app-01");
    event.put("source", "erp-gl:audit");
    event.put("sourcetype", "erp:audit");
    ObjectNode e = event.putObject("event");
    e.put("user", a.user());
    e.put("action", a.action());
    if (a.objectId() != null) {
      e.putObject("object").put("type", a.objectType()).put("id", a.objectId());
    }
    if (a.before() != null) {
      e.set("before", JSON.valueToTree(a.before()));
    }
    if (a.after() != null) {
      e.set("after", JSON.valueToTree(a.after()));
    }
    e.put("clientIp", a.clientIp());
    return event.toString();
  }

  /** The activity as an RFC 5424 message (without framing). */
  static String syslog(Activity a, String token) {
    StringBuilder sd = new StringBuilder();
    if (token != null) {
      sd.append("[itgc@32473 token=\"").append(escape(token)).append("\"]");
    }
    sd.append("[erp@32473 user=\"").append(escape(a.user())).append("\" action=\"").append(escape(a.action()))
        .append('"');
    if (a.objectId() != null) {
      sd.append(" objectType=\"").append(escape(a.objectType())).append("\" objectId=\"").append(escape(a.objectId()))
          .append('"');
    }
    sd.append(" clientIp=\"").append(a.clientIp()).append("\"]");
    String msg = "";
    if (a.before() != null || a.after() != null) {
      ObjectNode changes = JSON.createObjectNode();
      changes.set("before", JSON.valueToTree(a.before()));
      changes.set("after", JSON.valueToTree(a.after()));
      msg = " " + changes;
    }
    return "<110>1 " + a.at() + " erp-gl-app-01 erp-gl 4711 AUDIT " + sd + msg;
  }

  /** Octet-counting framing (RFC 6587 section 3.4.1). */
  static String octetCounted(String message) {
    return message.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + " " + message;
  }

  private static String escape(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("]", "\\]");
  }
}
