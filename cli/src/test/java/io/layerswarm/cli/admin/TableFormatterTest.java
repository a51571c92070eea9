package io.layerswarm.cli.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.layerswarm.cli.admin.TableFormatter.Column;
import org.junit.jupiter.api.Test;

class TableFormatterTest {
  @Test
  void columnsArePaddedToTheWidestCellWithNumbersRightAligned() {
    String table =
        TableFormatter.of(Column.left("NAME"), Column.right("SIZE"), Column.left("STATE"))
            .row("sha256:0a1b2c3d4e5f", "512 B", "swarm")
            .row("x", "1023.9 MiB", "")
            .row("a-longer-name-than-the-rest", "7", "metainfo")
            .render();

    assertThat(table).isEqualTo(Golden.read("table-aligned.txt"));
  }

  @Test
  void emptyHeadersMeanNoHeaderLine() {
    String table =
        TableFormatter.of(Column.left(""), Column.right(""))
            .row("cache", "3.0 MiB")
            .row("torrents", "2")
            .render();

    assertThat(table).isEqualTo(Golden.read("table-headerless.txt"));
  }

  @Test
  void noLineEndsInSpacesEvenWhenTheLastColumnIsEmptyOrShort() {
    String table =
        TableFormatter.of(Column.left("A"), Column.left("LONG HEADER"))
            .row("1", "")
            .row("2", "x")
            .render();

    assertThat(table.lines()).allSatisfy(line -> assertThat(line).doesNotEndWith(" "));
    assertThat(table).isEqualTo("A  LONG HEADER\n1\n2  x\n");
  }

  @Test
  void aHeaderWiderThanItsCellsSetsTheColumnWidth() {
    assertThat(TableFormatter.of(Column.right("PEERS"), Column.left("X")).row("3", "y").render())
        .isEqualTo("PEERS  X\n    3  y\n");
  }

  @Test
  void aTableWithoutRowsIsJustItsHeader() {
    assertThat(TableFormatter.of(Column.left("DIGEST"), Column.right("SIZE")).render())
        .isEqualTo("DIGEST  SIZE\n");
  }

  @Test
  void aRowWithTheWrongNumberOfCellsIsRejected() {
    TableFormatter table = TableFormatter.of(Column.left("A"), Column.left("B"));

    assertThatThrownBy(() -> table.row("only one"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1 cells for 2");
  }
}
