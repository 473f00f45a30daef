package org.itgc.platform.xlsx;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.util.Arrays;
import java.util.List;
import org.apache.poi.ss.usermodel.CellType;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.Test;

/** Workbooks read back by Apache POI, the reader most spreadsheet tooling is built on. */
class XlsxTest {

  @Test
  void sheetsReadBackWithNumbersAsNumbersAndFormulaLikeTextAsText() throws Exception {
    byte[] bytes = new Xlsx()
        .sheet("Population: CM-01 [2026]", List.of("id", "title", "amount", "note"), List.of(
            Arrays.asList(1, "=HYPERLINK(\"http://evil\",\"click\")", -12.5, null),
            Arrays.asList(2, "line one\nline two & <three>", 0, "@user"),
            Arrays.asList(3, "Ünïcødé ✓ with a NUL\u0000 dropped", 7L, "+1")))
        .sheet("A very long sheet name that Excel would refuse", List.of("x"), List.of())
        .bytes();
    try (var workbook = new XSSFWorkbook(new ByteArrayInputStream(bytes))) {
      assertThat(workbook.getNumberOfSheets()).isEqualTo(2);
      var sheet = workbook.getSheetAt(0);
      assertThat(sheet.getSheetName()).isEqualTo("Population  CM-01  2026 ");
      assertThat(workbook.getSheetAt(1).getSheetName()).hasSize(31);
      var header = sheet.getRow(0);
      assertThat(List.of(header.getCell(0).getStringCellValue(), header.getCell(3).getStringCellValue()))
          .containsExactly("id", "note");
      var first = sheet.getRow(1);
      assertThat(first.getCell(0).getCellType()).isEqualTo(CellType.NUMERIC);
      assertThat(first.getCell(2).getNumericCellValue()).isEqualTo(-12.5);
      assertThat(first.getCell(1).getCellType()).as("never a formula").isEqualTo(CellType.STRING);
      assertThat(first.getCell(1).getStringCellValue()).isEqualTo("=HYPERLINK(\"http://evil\",\"click\")");
      assertThat(first.getCell(3)).as("null is an empty cell").isNull();
      assertThat(sheet.getRow(2).getCell(1).getStringCellValue()).isEqualTo("line one\nline two & <three>");
      assertThat(sheet.getRow(2).getCell(3).getCellType()).isEqualTo(CellType.STRING);
      assertThat(sheet.getRow(3).getCell(1).getStringCellValue()).isEqualTo("Ünïcødé ✓ with a NUL dropped");
      assertThat(sheet.getRow(3).getCell(3).getStringCellValue()).isEqualTo("+1");
    }
  }
}
