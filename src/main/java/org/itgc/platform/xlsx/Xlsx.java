package org.itgc.platform.xlsx;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A workbook in the Office Open XML format (.xlsx, ECMA-376) for auditors, who work in spreadsheets: one sheet per
 * table, a header row, numbers as numbers and everything else as inline text. Only what a report needs, written with
 * the JDK: no styles, no formulas (a cell that starts with =, +, - or @ is text, never a formula).
 */
public final class Xlsx {

  private final Map<String, Sheet> sheets = new LinkedHashMap<>();

  private record Sheet(List<String> header, List<List<?>> rows) {}

  /** Adds a sheet; names are cut to Excel's 31 characters. */
  public Xlsx sheet(String name, List<String> header, List<List<?>> rows) {
    String clean = name.replaceAll("[\\[\\]:*?/\\\\]", " ");
    sheets.put(clean.length() > 31 ? clean.substring(0, 31) : clean, new Sheet(header, rows));
    return this;
  }

  public byte[] bytes() {
    var out = new ByteArrayOutputStream();
    try (var zip = new ZipOutputStream(out, StandardCharsets.UTF_8)) {
      put(zip, "[Content_Types].xml", contentTypes());
      put(zip, "_rels/.rels", """
          <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
          <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
          <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>\
          </Relationships>""");
      put(zip, "xl/workbook.xml", workbook());
      put(zip, "xl/_rels/workbook.xml.rels", workbookRelations());
      int index = 1;
      for (Sheet sheet : sheets.values()) {
        put(zip, "xl/worksheets/sheet" + index++ + ".xml", sheetXml(sheet));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private String contentTypes() {
    StringBuilder xml = new StringBuilder("""
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
        <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
        <Default Extension="xml" ContentType="application/xml"/>\
        <Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>""");
    for (int i = 1; i <= sheets.size(); i++) {
      xml.append("<Override PartName=\"/xl/worksheets/sheet").append(i)
          .append(".xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>");
    }
    return xml.append("</Types>").toString();
  }

  private String workbook() {
    StringBuilder xml = new StringBuilder("""
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \
        xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>""");
    int index = 1;
    for (String name : sheets.keySet()) {
      xml.append("<sheet name=\"").append(escape(name)).append("\" sheetId=\"").append(index).append("\" r:id=\"rId")
          .append(index).append("\"/>");
      index++;
    }
    return xml.append("</sheets></workbook>").toString();
  }

  private String workbookRelations() {
    StringBuilder xml = new StringBuilder("""
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">""");
    for (int i = 1; i <= sheets.size(); i++) {
      xml.append("<Relationship Id=\"rId").append(i)
          .append("\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet")
          .append(i).append(".xml\"/>");
    }
    return xml.append("</Relationships>").toString();
  }

  private static String sheetXml(Sheet sheet) {
    StringBuilder xml = new StringBuilder("""
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>""");
    row(xml, 1, sheet.header());
    int number = 2;
    for (List<?> row : sheet.rows()) {
      row(xml, number++, row);
    }
    return xml.append("</sheetData></worksheet>").toString();
  }

  private static void row(StringBuilder xml, int number, List<?> cells) {
    xml.append("<row r=\"").append(number).append("\">");
    for (int c = 0; c < cells.size(); c++) {
      Object value = cells.get(c);
      if (value == null) {
        continue;
      }
      String ref = column(c) + number;
      if (value instanceof Number n && !(n instanceof Double d && (d.isNaN() || d.isInfinite()))) {
        xml.append("<c r=\"").append(ref).append("\"><v>").append(n).append("</v></c>");
      } else {
        xml.append("<c r=\"").append(ref).append("\" t=\"inlineStr\"><is><t xml:space=\"preserve\">")
            .append(escape(value.toString())).append("</t></is></c>");
      }
    }
    xml.append("</row>");
  }

  /** A, B, ... Z, AA, AB ... */
  static String column(int index) {
    StringBuilder name = new StringBuilder();
    for (int i = index + 1; i > 0; i = (i - 1) / 26) {
      name.insert(0, (char) ('A' + (i - 1) % 26));
    }
    return name.toString();
  }

  private static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (char ch : text.toCharArray()) {
      switch (ch) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        default -> {
          if (ch >= 0x20 || ch == '\t' || ch == '\n' || ch == '\r') {
            out.append(ch);
          }
        }
      }
    }
    return out.toString();
  }

  private static void put(ZipOutputStream zip, String name, String content) throws IOException {
    zip.putNextEntry(new ZipEntry(name));
    zip.write(content.getBytes(StandardCharsets.UTF_8));
    zip.closeEntry();
  }
}
