package org.itgc.platform.csv;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
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

  private static final CSVFormat READ = CSVFormat.RFC4180.builder().setIgnoreEmptyLines(true).get();
  /** Cells quoted where RFC 4180 needs it (a comma, a quote, a line break). */
  private static final CSVFormat WRITE = CSVFormat.RFC4180.builder().setRecordSeparator("\n").get();
  /**
   * Cells holding a semicolon are quoted too: a spreadsheet that splits on semicolons (many locales do) keeps a quoted
   * cell whole, so {@code x;=cmd} cannot become a formula cell of its own.
   */
  private static final CSVFormat QUOTED = CSVFormat.RFC4180.builder().setRecordSeparator("\n")
      .setQuoteMode(org.apache.commons.csv.QuoteMode.ALL_NON_NULL).get();

  /** The most rows an uploaded file may have (an HR file of a very large company has a few hundred thousand). */
  public static final int MAX_ROWS = 500_000;
  /** The largest upload read, in bytes. */
  public static final int MAX_BYTES = 64 * 1024 * 1024;

  /**
   * The body of an HTTP request that carries a CSV file, read up to {@link #MAX_BYTES} (a larger one is refused with 413
   * naming {@code file} before it is read whole).
   */
  public static String upload(jakarta.servlet.http.HttpServletRequest request) throws java.io.IOException {
    if (request.getContentLengthLong() > MAX_BYTES) {
      throw tooLarge();
    }
    byte[] body = request.getInputStream().readNBytes(MAX_BYTES + 1);
    if (body.length > MAX_BYTES) {
      throw tooLarge();
    }
    String charset = request.getCharacterEncoding();
    try {
      return new String(body, charset == null ? java.nio.charset.StandardCharsets.UTF_8
          : java.nio.charset.Charset.forName(charset));
    } catch (java.nio.charset.IllegalCharsetNameException | java.nio.charset.UnsupportedCharsetException e) {
      throw org.itgc.platform.web.InvalidInputException.of("charset", "'" + charset + "' is not a character set");
    }
  }

  private static org.springframework.web.ErrorResponseException tooLarge() {
    var problem = org.springframework.http.ProblemDetail.forStatusAndDetail(
        org.springframework.http.HttpStatus.PAYLOAD_TOO_LARGE, "file: larger than " + MAX_BYTES / (1024 * 1024)
            + " MB; split it into smaller files");
    problem.setTitle("File too large");
    problem.setProperty("errors", List.of(Map.of("field", "file", "reason", "is larger than "
        + MAX_BYTES / (1024 * 1024) + " MB")));
    return new org.springframework.web.ErrorResponseException(org.springframework.http.HttpStatus.PAYLOAD_TOO_LARGE,
        problem, null);
  }

  /** The rows of a CSV text whose first line names the columns; blank lines are skipped. */
  public static Table read(String text) {
    String body = text.startsWith("\uFEFF") ? text.substring(1) : text;
    int[] lineStarts = lineStarts(body);
    List<List<String>> records = new ArrayList<>();
    List<Integer> lines = new ArrayList<>();
    try (CSVParser parser = CSVParser.builder().setReader(new java.io.StringReader(body)).setFormat(READ).get()) {
      var iterator = parser.iterator();
      while (true) {
        long before = parser.getCurrentLineNumber();
        CSVRecord record;
        try {
          if (!iterator.hasNext()) {
            break;
          }
          record = iterator.next();
        } catch (java.io.UncheckedIOException | IllegalStateException e) {
          throw new MalformedCsvException((int) before + 1, reason(e));
        }
        if (records.size() > MAX_ROWS) {
          throw new MalformedCsvException((int) before + 1, "more than " + String.format(java.util.Locale.ROOT,
              "%,d", MAX_ROWS) + " rows; split the file");
        }
        records.add(record.toList());
        // the record's position may be that of the blank lines skipped before it
        int start = (int) record.getCharacterPosition();
        while (start < body.length() && (body.charAt(start) == '\n' || body.charAt(start) == '\r')) {
          start++;
        }
        lines.add(lineOf(lineStarts, start));
      }
    } catch (java.io.IOException e) {
      throw new MalformedCsvException(1, reason(e));
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

  private static String reason(Exception e) {
    String message = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
    if (message.contains("eof reached before encapsulated token finished")) {
      return "a quoted cell is not closed";
    }
    if (message.contains("between encapsulated token and delimiter")) {
      return "a quoted cell is followed by text before the next comma";
    }
    return "not CSV as RFC 4180 has it";
  }

  /** Where each line of the text begins, to name the line a record starts on. */
  private static int[] lineStarts(String text) {
    List<Integer> starts = new ArrayList<>(List.of(0));
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\n' || (c == '\r' && (i + 1 == text.length() || text.charAt(i + 1) != '\n'))) {
        starts.add(i + 1);
      }
    }
    return starts.stream().mapToInt(Integer::intValue).toArray();
  }

  private static int lineOf(int[] lineStarts, long position) {
    int found = java.util.Arrays.binarySearch(lineStarts, (int) position);
    return (found >= 0 ? found : -found - 2) + 1;
  }

  /**
   * The one defusing rule of every export: a text that a spreadsheet would read as a formula or control (a leading =,
   * +, -, @, tab or carriage return) gets a leading apostrophe; numbers stay numbers.
   */
  public static String defuse(Object value) {
    if (value == null) {
      return "";
    }
    String text = value.toString();
    if (!(value instanceof Number) && !text.isEmpty() && "=+-@\t\r".indexOf(text.charAt(0)) >= 0) {
      return "'" + text;
    }
    return text;
  }

  /** One cell as written: defused, and quoted where it needs it. */
  public static String cell(Object value) {
    String line = write(List.of("x"), List.of(java.util.Collections.singletonList(value)));
    return line.substring(2, line.length() - 1);
  }

  /** A CSV text of a header and rows. */
  public static String write(List<String> header, List<? extends List<?>> rows) {
    StringBuilder out = new StringBuilder();
    try {
      line(out, header);
      for (List<?> row : rows) {
        line(out, row.stream().map(value -> value == null ? null : defuse(value)).toList());
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e); // a StringBuilder does not fail
    }
    return out.toString();
  }

  private static void line(StringBuilder out, List<?> cells) throws java.io.IOException {
    for (int i = 0; i < cells.size(); i++) {
      if (i > 0) {
        out.append(',');
      }
      Object cell = cells.get(i);
      (cell != null && cell.toString().contains(";") ? QUOTED : WRITE).print(cell, out, true);
    }
    out.append('\n');
  }

  /** A CSV download. */
  public static ResponseEntity<String> download(String fileName, List<String> header, List<? extends List<?>> rows) {
    return ResponseEntity.ok().header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + fileName + "\"")
        .contentType(TEXT_CSV).body(write(header, rows));
  }
}
