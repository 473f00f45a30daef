package org.itgc.platform.csv;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/** CSV as RFC 4180 has it (comma, double quotes, CRLF or LF), read for imports and written for auditors' reports. */
public final class Csv {

  public static final MediaType TEXT_CSV = new MediaType("text", "csv");

  private Csv() {}

  /** A data row: its line number in the file (the header is line 1) and its cells by column name. */
  public record Row(int line, Map<String, String> cells) {
    public String get(String column) {
      String value = cells.get(column);
      return value == null || value.isBlank() ? null : value.strip();
    }
  }

  /** A CSV text that cannot be read at all (no header, an unclosed quote). */
  public static final class MalformedCsvException extends RuntimeException {
    private final int line;

    MalformedCsvException(int line, String message) {
      super("line " + line + ": " + message);
      this.line = line;
    }

    public int line() {
      return line;
    }
  }

  /** A CSV text read: the column names of its first line and its data rows. */
  public record Table(List<String> header, List<Row> rows) {}

  /** The rows of a CSV text whose first line names the columns; blank lines are skipped. */
  public static Table read(String text) {
    List<List<String>> records = new ArrayList<>();
    List<Integer> lines = new ArrayList<>();
    List<String> record = new ArrayList<>();
    StringBuilder cell = new StringBuilder();
    boolean quoted = false;
    boolean any = false;
    int line = 1;
    int recordLine = 1;
    String body = text.startsWith("\uFEFF") ? text.substring(1) : text;
    for (int i = 0; i < body.length(); i++) {
      char c = body.charAt(i);
      if (quoted) {
        if (c == '"') {
          if (i + 1 < body.length() && body.charAt(i + 1) == '"') {
            cell.append('"');
            i++;
          } else {
            quoted = false;
          }
        } else {
          if (c == '\n') {
            line++;
          }
          cell.append(c);
        }
      } else if (c == '"' && cell.isEmpty()) {
        quoted = true;
        any = true;
      } else if (c == ',') {
        record.add(cell.toString());
        cell.setLength(0);
        any = true;
      } else if (c == '\n' || c == '\r') {
        if (c == '\r' && i + 1 < body.length() && body.charAt(i + 1) == '\n') {
          i++;
        }
        if (any || !cell.isEmpty()) {
          record.add(cell.toString());
          records.add(record);
          lines.add(recordLine);
        }
        record = new ArrayList<>();
        cell.setLength(0);
        any = false;
        line++;
        recordLine = line;
      } else {
        cell.append(c);
        any = true;
      }
    }
    if (quoted) {
      throw new MalformedCsvException(recordLine, "a quoted cell is not closed");
    }
    if (any || !cell.isEmpty()) {
      record.add(cell.toString());
      records.add(record);
      lines.add(recordLine);
    }
    if (records.isEmpty()) {
      throw new MalformedCsvException(1, "no header line");
    }
    List<String> header = records.get(0).stream().map(String::strip).toList();
    List<Row> rows = new ArrayList<>();
    for (int r = 1; r < records.size(); r++) {
      Map<String, String> cells = new LinkedHashMap<>();
      List<String> values = records.get(r);
      for (int c = 0; c < header.size(); c++) {
        cells.put(header.get(c), c < values.size() ? values.get(c) : null);
      }
      if (values.size() > header.size()) {
        cells.put("", String.join(",", values.subList(header.size(), values.size())));
      }
      rows.add(new Row(lines.get(r), cells));
    }
    return new Table(header, rows);
  }

  /** One cell, quoted when it holds a comma, a quote or a line break; a leading =, +, - or @ is defused for spreadsheets. */
  public static String cell(Object value) {
    if (value == null) {
      return "";
    }
    String text = value.toString();
    if (!text.isEmpty() && "=+-@".indexOf(text.charAt(0)) >= 0 && !(value instanceof Number)) {
      text = "'" + text;
    }
    if (text.contains(",") || text.contains("\"") || text.contains("\n") || text.contains("\r")) {
      return '"' + text.replace("\"", "\"\"") + '"';
    }
    return text;
  }

  /** A CSV text of a header and rows. */
  public static String write(List<String> header, List<List<?>> rows) {
    StringBuilder out = new StringBuilder(String.join(",", header)).append('\n');
    for (List<?> row : rows) {
      for (int i = 0; i < row.size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        out.append(cell(row.get(i)));
      }
      out.append('\n');
    }
    return out.toString();
  }

  /** A CSV download. */
  public static ResponseEntity<String> download(String fileName, List<String> header, List<List<?>> rows) {
    return ResponseEntity.ok().header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + fileName + "\"")
        .contentType(TEXT_CSV).body(write(header, rows));
  }
}
