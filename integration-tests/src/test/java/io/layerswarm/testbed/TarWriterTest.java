package io.layerswarm.testbed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TarWriterTest {

  @TempDir Path tmp;

  @Test
  void whatItWritesReadsBackEntryByEntry() throws Exception {
    byte[] tar = sampleTar();

    List<TarReader.Entry> entries = TarReader.readAll(new ByteArrayInputStream(tar));

    assertThat(entries)
        .extracting(TarReader.Entry::name)
        .containsExactly("dir/", "dir/hello.txt", "dir/link", "dir/empty");
    assertThat(entries.get(1).size()).isEqualTo(6);
    assertThat(entries.get(1).contentDigest())
        .isEqualTo(Digests.sha256("hello\n".getBytes(StandardCharsets.UTF_8)));
    assertThat(entries.get(2).isSymlink()).isTrue();
    assertThat(entries.get(2).linkName()).isEqualTo("hello.txt");
    assertThat(entries.get(0).isDirectory()).isTrue();
    assertThat(tar.length % 512).isZero();
  }

  @Test
  void theArchiveIsWholeBlocksEndingInTwoZeroBlocks() throws Exception {
    byte[] tar = sampleTar();

    // 4 headers + 1 content block + 2 end blocks
    assertThat(tar).hasSize(7 * 512);
    for (int i = tar.length - 1024; i < tar.length; i++) {
      assertThat(tar[i]).isZero();
    }
  }

  @Test
  void longNamesAreSplitIntoUstarPrefixAndName() throws Exception {
    String name = "a".repeat(90) + "/" + "b".repeat(90) + "/file.bin";
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (TarWriter tar = new TarWriter(out)) {
      tar.file(name, 0644, new byte[] {1, 2, 3});
    }

    assertThat(TarReader.readAll(new ByteArrayInputStream(out.toByteArray())))
        .extracting(TarReader.Entry::name)
        .containsExactly(name);
  }

  @Test
  void aContentWriterThatWritesTheWrongAmountIsRejected() {
    TarWriter tar = new TarWriter(new ByteArrayOutputStream());

    assertThatThrownBy(() -> tar.file("x", 0644, 10, out -> out.write(new byte[9])))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("announced 10");
  }

  @Test
  void aCorruptedHeaderFailsTheChecksum() throws Exception {
    byte[] tar = sampleTar();
    tar[3] ^= 1;

    assertThatThrownBy(() -> TarReader.readAll(new ByteArrayInputStream(tar)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("checksum");
  }

  @Test
  void gnuTarExtractsItWithModesAndSymlinks() throws Exception {
    Path tarBinary = Path.of("/usr/bin/tar");
    assumeThat(tarBinary).as("GNU tar installed").isExecutable();
    Path archive = tmp.resolve("sample.tar");
    Files.write(archive, sampleTar());
    Path out = Files.createDirectory(tmp.resolve("out"));

    Process p =
        new ProcessBuilder(tarBinary.toString(), "-xf", archive.toString(), "-C", out.toString())
            .redirectErrorStream(true)
            .redirectOutput(tmp.resolve("tar.log").toFile())
            .start();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();

    assertThat(p.exitValue()).as(Files.readString(tmp.resolve("tar.log"))).isZero();
    assertThat(out.resolve("dir/hello.txt")).hasContent("hello");
    assertThat(Files.readSymbolicLink(out.resolve("dir/link"))).isEqualTo(Path.of("hello.txt"));
    assertThat(Files.getPosixFilePermissions(out.resolve("dir/hello.txt")))
        .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-x---"));
    assertThat(out.resolve("dir/empty")).isEmptyFile();
  }

  private static byte[] sampleTar() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (TarWriter tar = new TarWriter(out)) {
      tar.directory("dir", 0755);
      tar.file("dir/hello.txt", 0750, "hello\n".getBytes(StandardCharsets.UTF_8));
      tar.symlink("dir/link", "hello.txt");
      tar.file("dir/empty", 0644, new byte[0]);
    }
    return out.toByteArray();
  }
}
