package org.itgc.platform.csv;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;

/**
 * The columns of an export of typed rows: each a header and how a row gives its cell. The same columns write the CSV
 * ({@link Csv#download}) and a workbook's sheet ({@code platform.xlsx.Xlsx}), so both list the same cells in the same
 * order; an instant is written as its ISO text, and every text goes through {@link Csv#defuse}'s one rule on the way.
 *
 * @param <T> the row's type (a record)
 */
public final class Columns<T> {

  private final List<String> names = new ArrayList<>();
  private final List<Function<? super T, ?>> cells = new ArrayList<>();

  public static <T> Columns<T> of(Class<T> rowType) {
    return new Columns<>();
  }

  /** Adds a column: its header and its cell of a row. */
  public Columns<T> column(String name, Function<? super T, ?> cell) {
    names.add(name);
    cells.add(cell);
    return this;
  }

  public List<String> names() {
    return Collections.unmodifiableList(names);
  }

  /** The rows' cells, column by column. */
  public List<List<?>> rows(List<? extends T> rows) {
    List<List<?>> out = new ArrayList<>(rows.size());
    for (T row : rows) {
      List<Object> line = new ArrayList<>(cells.size());
      for (Function<? super T, ?> cell : cells) {
        Object value = cell.apply(row);
        line.add(value instanceof java.time.Instant instant ? instant.toString() : value);
      }
      out.add(line);
    }
    return out;
  }
}
