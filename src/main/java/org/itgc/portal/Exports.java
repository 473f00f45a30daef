package org.itgc.portal;

import org.itgc.platform.csv.Csv;
import org.itgc.platform.xlsx.Xlsx;
import org.itgc.platform.web.BadRequestException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/** A page's list as a download: CSV (Csv.download, its defusing rule) or a workbook with one sheet. */
final class Exports {

  static final MediaType XLSX = MediaType.parseMediaType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");

  private Exports() {}

  static ResponseEntity<?> of(Table table, String fileName, String format) {
    return switch (format) {
      case "csv" -> Csv.download(fileName + ".csv", table.columns(), table.exportRows());
      case "xlsx" -> ResponseEntity.ok()
          .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + fileName + ".xlsx\"").contentType(XLSX)
          .body(new Xlsx().sheet(table.title(), table.columns(), table.exportRows()).bytes());
      default -> throw new BadRequestException("format", "must be csv or xlsx");
    };
  }

  /** A file name made of safe characters only. */
  static String fileName(String... parts) {
    return String.join("-", parts).replaceAll("[^A-Za-z0-9._-]", "_");
  }
}
