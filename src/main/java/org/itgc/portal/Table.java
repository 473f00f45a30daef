package org.itgc.portal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.itgc.platform.web.Slice;

/**
 * A list as the governance pages show and export it: a title, named columns and rows of cells, each row with an
 * optional link to its record's own page. The same columns and cells make the HTML table, the CSV and the workbook.
 */
record Table(String title, List<String> columns, List<List<Object>> rows, List<String> links) {

  Table {
    columns = List.copyOf(columns);
    rows = List.copyOf(rows);
    links = links == null ? java.util.Collections.nCopies(rows.size(), (String) null) : new ArrayList<>(links);
  }

  /** A table of rows by column name (a control's population): the columns are those of the first row. */
  static Table ofMaps(String title, List<Map<String, Object>> maps, List<String> whenEmpty) {
    return ofMaps(title, maps, whenEmpty, "audit_object_id");
  }

  /** The same, each row linked to the record its column {@code linkColumn} names. */
  static Table ofMaps(String title, List<Map<String, Object>> maps, List<String> whenEmpty, String linkColumn) {
    List<String> columns = maps.isEmpty() ? whenEmpty : List.copyOf(maps.get(0).keySet());
    List<List<Object>> rows = new ArrayList<>(maps.size());
    List<String> links = new ArrayList<>(maps.size());
    for (Map<String, Object> map : maps) {
      List<Object> row = new ArrayList<>(columns.size());
      for (String column : columns) {
        row.add(cell(map.get(column)));
      }
      rows.add(row);
      links.add(linkOf(map.get(linkColumn)));
    }
    return new Table(title, columns, rows, links);
  }

  /** A database value as a cell: timestamps as instants, everything else as it is. */
  static Object cell(Object value) {
    if (value instanceof java.sql.Timestamp t) {
      return t.toInstant();
    }
    if (value instanceof java.time.OffsetDateTime t) {
      return t.toInstant();
    }
    return value;
  }

  /**
   * The evidence page of a record: the own page of a change, revocation, campaign or DR or restore test, or for any
   * other record the page of what the audit trail recorded on it (an access request's page adds the request itself);
   * none without an id.
   */
  static String linkOf(Object id) {
    return linkOf(id, null);
  }

  /**
   * As {@link #linkOf(Object)}, for a record whose type is known: the audit trail's page of it then names the type, so
   * that a number that several kinds of records share (a grant, a log batch, a control exception) opens this one.
   */
  static String linkOf(Object id, String objectType) {
    if (!(id instanceof String s) || s.isBlank()) {
      return null;
    }
    String encoded = java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    String page = pageOf(s);
    if (page != null) {
      return page + encoded;
    }
    if ("access-grant".equals(objectType) && s.matches("\\d{1,18}")) {
      return grantLink(Long.parseLong(s));
    }
    return "/app/evidence/records?id=" + encoded + (objectType == null || objectType.isBlank() ? ""
        : "&type=" + java.net.URLEncoder.encode(objectType, java.nio.charset.StandardCharsets.UTF_8));
  }

  /**
   * The own page of a record by its id's prefix (a change, a revocation, a campaign, a DR or restore test), or null
   * when it has none (its audit events' page answers it).
   */
  static String pageOf(String id) {
    if (id.startsWith("CHG-")) {
      return "/app/evidence/changes/";
    }
    if (id.startsWith("RV-")) {
      return "/app/evidence/revocations/";
    }
    if (id.startsWith("CERT-")) {
      return "/app/evidence/campaigns/";
    }
    if (id.startsWith("DR-") || id.startsWith("RT-")) {
      return "/app/evidence/continuity/";
    }
    return null;
  }

  /** A grant's own page. */
  static String grantLink(long id) {
    return "/app/evidence/grants/" + id;
  }

  /** Only the rows whose cells contain {@code text} (case-insensitive); all for a blank text. */
  Table filtered(String text) {
    if (text == null || text.isBlank()) {
      return this;
    }
    String needle = text.trim().toLowerCase(java.util.Locale.ROOT);
    List<List<Object>> kept = new ArrayList<>();
    List<String> keptLinks = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      if (rows.get(i).stream().anyMatch(c -> c != null && c.toString().toLowerCase(java.util.Locale.ROOT).contains(needle))) {
        kept.add(rows.get(i));
        keptLinks.add(links.get(i));
      }
    }
    return new Table(title, columns, kept, keptLinks);
  }

  /** One page of the rows, with their links. */
  Slice<Row> page(int offset, int limit) {
    int from = Math.min(Math.max(0, offset), rows.size());
    int to = Math.min(rows.size(), from + limit);
    List<Row> page = new ArrayList<>(to - from);
    for (int i = from; i < to; i++) {
      page.add(new Row(rows.get(i), links.get(i)));
    }
    return new Slice<>(page, from, limit, rows.size());
  }

  /** The rows as export cells. */
  List<List<?>> exportRows() {
    return new ArrayList<>(rows);
  }

  /** One row: its cells and the link of its record. */
  record Row(List<Object> cells, String link) {

    /** Whether a cell is a point in time, which the page shows in the business calendar's zone. */
    public boolean instantAt(int index) {
      return cells.get(index) instanceof Instant;
    }
  }
}
