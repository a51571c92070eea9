package io.layerswarm.cli.admin;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Plain-text tables for terminals: columns padded to their widest cell, two spaces apart, numbers
 * right-aligned. Lines end in {@code \n} and carry no trailing spaces. Widths count code points, so
 * keep cells to single-width characters (digests, numbers, ASCII words).
 */
final class TableFormatter {
  private static final String GAP = "  ";

  enum Align {
    LEFT,
    RIGHT
  }

  /** A column's header (empty for none) and alignment. */
  record Column(String header, Align align) {
    static Column left(String header) {
      return new Column(header, Align.LEFT);
    }

    static Column right(String header) {
      return new Column(header, Align.RIGHT);
    }
  }

  private final List<Column> columns;
  private final List<String[]> rows = new ArrayList<>();

  private TableFormatter(List<Column> columns) {
    if (columns.isEmpty()) {
      throw new IllegalArgumentException("a table needs at least one column");
    }
    this.columns = List.copyOf(columns);
  }

  /** A table with these columns; the header line is printed unless every header is empty. */
  static TableFormatter of(Column... columns) {
    return new TableFormatter(Arrays.asList(columns));
  }

  /** Adds a row with one cell per column. */
  TableFormatter row(String... cells) {
    if (cells.length != columns.size()) {
      throw new IllegalArgumentException(
          "row has "
              + cells.length
              + " cells for "
              + columns.size()
              + " columns: "
              + Arrays.toString(cells));
    }
    rows.add(cells.clone());
    return this;
  }

  String render() {
    boolean header = columns.stream().anyMatch(c -> !c.header().isEmpty());
    int[] widths = new int[columns.size()];
    for (int i = 0; i < widths.length; i++) {
      widths[i] = header ? width(columns.get(i).header()) : 0;
      for (String[] row : rows) {
        widths[i] = Math.max(widths[i], width(row[i]));
      }
    }
    StringBuilder out = new StringBuilder();
    if (header) {
      line(out, columns.stream().map(Column::header).toArray(String[]::new), widths);
    }
    for (String[] row : rows) {
      line(out, row, widths);
    }
    return out.toString();
  }

  private void line(StringBuilder out, String[] cells, int[] widths) {
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < cells.length; i++) {
      if (i > 0) {
        line.append(GAP);
      }
      String pad = " ".repeat(widths[i] - width(cells[i]));
      line.append(columns.get(i).align() == Align.RIGHT ? pad + cells[i] : cells[i] + pad);
    }
    out.append(line.toString().stripTrailing()).append('\n');
  }

  private static int width(String cell) {
    return cell.codePointCount(0, cell.length());
  }
}
