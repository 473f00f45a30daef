package org.itgc.platform.web;

import java.util.List;

/** One page of a longer list: its rows, where it starts, how long a page is, and how many rows there are in all. */
public record Slice<T>(List<T> rows, int offset, int limit, long total) {

  public Slice {
    rows = List.copyOf(rows);
  }

  public boolean hasPrevious() {
    return offset > 0;
  }

  public boolean hasNext() {
    return offset + rows.size() < total;
  }

  public int previousOffset() {
    return Math.max(0, offset - limit);
  }

  public int nextOffset() {
    return offset + limit;
  }

  /** The 1-based number of the first row shown (0 for an empty list). */
  public long first() {
    return rows.isEmpty() ? 0 : offset + 1L;
  }

  public long last() {
    return offset + (long) rows.size();
  }
}
