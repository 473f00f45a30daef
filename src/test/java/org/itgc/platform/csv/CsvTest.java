package org.itgc.platform.csv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;

/** CSV in (imports) and out (auditors' exports), with the one rule that keeps spreadsheets from running a cell. */
class CsvTest {

  @Test
  void importsNameEachRowsLineWhateverTheLineEndingsBlankLinesAndQuotedLineBreaks() {
    String text = "\uFEFFemployee_id, name ,manager\r\n"
        + "E1,Ann,\r\n"
        + "\r\n"
        + "E2,\"Bob \"\"the builder\"\"\nsecond line\",E1\n"
        + "E3,Cy,E1,extra,cells\n";
    var table = Csv.read(text);
    assertThat(table.header()).containsExactly("employee_id", "name", "manager");
    assertThat(table.rows()).extracting(Csv.Row::line).containsExactly(2, 4, 6);
    assertThat(table.rows().get(0).get("manager")).as("blank is absent").isNull();
    assertThat(table.rows().get(1).get("name")).isEqualTo("Bob \"the builder\"\nsecond line");
    assertThat(table.rows().get(2).cells()).containsEntry("", "extra,cells");
  }

  @Test
  void unreadableImportsNameTheLineAndTheReason() {
    assertThatThrownBy(() -> Csv.read("a,b\n1,\"open\n2,3\n")).isInstanceOf(Csv.MalformedCsvException.class)
        .hasMessageContaining("a quoted cell is not closed");
    assertThatThrownBy(() -> Csv.read("a,b\n1,\"quoted\"tail\n")).isInstanceOf(Csv.MalformedCsvException.class)
        .hasMessageContaining("line 2").hasMessageContaining("followed by text");
    assertThatThrownBy(() -> Csv.read("")).isInstanceOf(Csv.MalformedCsvException.class).hasMessageContaining("no header");
  }

  @Test
  void everyTextASpreadsheetWouldRunIsDefusedAndNumbersStayNumbers() {
    for (String dangerous : List.of("=HYPERLINK(\"http://x\")", "+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1",
        "=1\nsecond line")) {
      assertThat(Csv.defuse(dangerous)).as(dangerous).isEqualTo("'" + dangerous);
    }
    assertThat(Csv.defuse(-5)).isEqualTo("-5");
    assertThat(Csv.defuse(new BigDecimal("-1.5"))).isEqualTo("-1.5");
    assertThat(Csv.defuse("plain = text")).isEqualTo("plain = text");
    assertThat(Csv.defuse(null)).isEmpty();
  }

  @Test
  void exportsReadBackWithARealReaderToTheDefusedValues() throws Exception {
    List<String> header = List.of("id", "title", "amount", "note");
    List<List<?>> rows = List.of(
        Arrays.asList(1, "=cmd|' /C calc'!A0", -12.5, null),
        Arrays.asList(2, "comma, \"quote\" and\nline break", 0, "@user"),
        Arrays.asList(3, "Ünïcødé ✓", 7, "\ttabbed"),
        Arrays.asList(4, "x;=SUM(1)", null, null));
    String written = Csv.write(header, rows);
    List<CSVRecord> records = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get()
        .parse(new StringReader(written)).getRecords();
    assertThat(records).hasSize(4);
    assertThat(records.get(0).get("title")).isEqualTo("'=cmd|' /C calc'!A0");
    assertThat(records.get(0).get("amount")).isEqualTo("-12.5");
    assertThat(records.get(0).get("note")).isEmpty();
    assertThat(records.get(1).get("title")).isEqualTo("comma, \"quote\" and\nline break");
    assertThat(records.get(1).get("note")).isEqualTo("'@user");
    assertThat(records.get(2).get("title")).isEqualTo("Ünïcødé ✓");
    assertThat(records.get(2).get("note")).isEqualTo("'\ttabbed");
    // and the project's own reader agrees
    assertThat(Csv.read(written).rows().get(1).get("title")).isEqualTo("comma, \"quote\" and\nline break");
    assertThat(Csv.cell("a,b")).isEqualTo("\"a,b\"");
    assertThat(Csv.cell("=x")).isEqualTo("'=x");
    // quoted whole, so that a spreadsheet splitting on semicolons keeps the cell one text
    assertThat(written).contains("\"x;=SUM(1)\"");
  }

  /** A typed row of an export, as the capabilities' records are. */
  record Row(long id, String title, java.time.Instant at, Boolean flag, List<String> tags) {}

  @Test
  void typedRowsExportTheirColumnsInOrderWithInstantsAsIsoTextAndTheSameDefusing() throws Exception {
    Columns<Row> columns = Columns.of(Row.class).column("id", Row::id).column("title", Row::title)
        .column("at", Row::at).column("flag", Row::flag).column("tags", r -> String.join(" ", r.tags()));
    var at = java.time.Instant.parse("2026-12-03T10:15:30.123456Z");
    List<Row> rows = List.of(new Row(7, "+1 the budget", at, null, List.of("a", "b")),
        new Row(8, "plain", null, true, List.of()));
    assertThat(columns.names()).containsExactly("id", "title", "at", "flag", "tags");
    String written = Csv.write(columns.names(), columns.rows(rows));
    List<CSVRecord> records = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get()
        .parse(new StringReader(written)).getRecords();
    assertThat(records).hasSize(2);
    assertThat(records.get(0).get("id")).isEqualTo("7");
    assertThat(records.get(0).get("title")).isEqualTo("'+1 the budget");
    assertThat(records.get(0).get("at")).isEqualTo("2026-12-03T10:15:30.123456Z");
    assertThat(records.get(0).get("flag")).isEmpty();
    assertThat(records.get(0).get("tags")).isEqualTo("a b");
    assertThat(records.get(1).get("at")).isEmpty();
    assertThat(records.get(1).get("flag")).isEqualTo("true");
  }
}
