package io.layerswarm.testbed.netns;

import io.layerswarm.core.metainfo.Metainfo;
import io.layerswarm.core.metainfo.MetainfoException;
import io.layerswarm.core.metainfo.PieceLength;
import io.layerswarm.testbed.Blob;
import io.layerswarm.testbed.DaemonProcess;
import io.layerswarm.testbed.Image;
import io.layerswarm.testbed.ProcessReaper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code aria2c} method of the swarm benchmark: the image's blobs spread by Debian's aria2c and
 * opentracker on the same network, a generic BitTorrent baseline for LayerSwarm.
 *
 * <ul>
 *   <li>opentracker on the tracker host (whitelist mode, the blobs' info hashes);
 *   <li>an aria2c seeder on the seeder host with every blob pre-loaded and checked before the timer
 *       (the equivalent of LayerSwarm's pre-heated seeder);
 *   <li>on every pulling host, an aria2c held at the {@link Barrier} that then downloads every blob
 *       at once and keeps seeding, as an agent does.
 * </ul>
 *
 * The torrents are the ones LayerSwarm's seeder makes: {@link Metainfo#create} with {@link
 * PieceLength#forSize}, one per blob, named by the blob's sha256 hex. A host's T is the moment its
 * last blob is complete and its sha256 checked: aria2c's completion hook hashes the file and
 * appends {@code <epoch ms> <name> <sha256>} to the host's {@code .done} file.
 */
final class Aria2Swarm {

  static final int TRACKER_PORT = 6969;
  static final int PEER_PORT = 6881;
  private static final Pattern COMPLETE = Pattern.compile("8:completei(\\d+)e");

  /** aria2c's {@code --on-bt-download-complete}: {@code $3} is the downloaded file. */
  private static final String HOOK =
      String.join(
          "\n",
          "#!/bin/sh",
          "# aria2c completion hook: when a blob is complete, record the time and its sha256.",
          "h=$(sha256sum \"$3\" | cut -c1-64)",
          "echo \"$(date +%s%3N) ${3##*/} $h\" >> \"$(dirname \"$3\").done\"",
          "");

  private final Path blobs;
  private final List<Path> torrents;
  private final List<String> names;
  private final List<String> infoHashes;
  private final Path hook;

  private Aria2Swarm(
      Path dir, Path blobs, List<Path> torrents, List<String> names, List<String> infoHashes) {
    this.blobs = blobs;
    this.torrents = torrents;
    this.names = names;
    this.infoHashes = infoHashes;
    this.hook = dir.resolve("complete-hook.sh");
  }

  /**
   * Writes every blob of the image to {@code dir/blobs/<hex>} (the seeder's pre-loaded copies) and
   * its torrent, announcing to opentracker on {@code tracker}, to {@code dir/torrents}.
   */
  static Aria2Swarm prepare(Image image, Path dir, NetnsTopology.Host tracker) throws IOException {
    Path blobs = Files.createDirectories(dir.resolve("blobs"));
    Path torrentDir = Files.createDirectories(dir.resolve("torrents"));
    URI announce = URI.create("http://" + tracker.hostPort(TRACKER_PORT) + "/announce");
    List<Path> torrents = new ArrayList<>();
    List<String> names = new ArrayList<>();
    List<String> infoHashes = new ArrayList<>();
    for (Blob b : image.blobs()) {
      String hex = b.digest().substring("sha256:".length());
      Path file = blobs.resolve(hex);
      try (InputStream in = b.openStream()) {
        Files.copy(in, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
      Metainfo m = Metainfo.create(file, hex, List.of(announce), PieceLength.forSize(b.size()));
      Path t = torrentDir.resolve(hex + ".torrent");
      Files.write(t, m.encode());
      torrents.add(t);
      names.add(hex);
      infoHashes.add(m.infoHash().hex());
    }
    Aria2Swarm s = new Aria2Swarm(dir, blobs, torrents, names, infoHashes);
    Files.writeString(s.hook, HOOK);
    s.hook.toFile().setExecutable(true, false);
    return s;
  }

  /** Piece length of each torrent, for the report (the same as LayerSwarm's seeder uses). */
  Map<String, Integer> pieceLengths() throws IOException {
    Map<String, Integer> out = new LinkedHashMap<>();
    for (int i = 0; i < names.size(); i++) {
      try {
        out.put(names.get(i), Metainfo.parse(Files.readAllBytes(torrents.get(i))).pieceLength());
      } catch (MetainfoException e) {
        throw new IOException("cannot read " + torrents.get(i) + ": " + e.getMessage(), e);
      }
    }
    return out;
  }

  /**
   * Starts opentracker and the pre-loaded aria2c seeder, and returns once the tracker lists the
   * seeder as complete for every torrent. Both are recorded in {@code started} (roles {@code
   * tracker} and {@code seeder}).
   */
  void startInfra(
      NetnsTopology.Host tracker,
      NetnsTopology.Host seeder,
      Path phaseDir,
      int nice,
      Started started,
      Map<String, Object> details)
      throws IOException, InterruptedException {
    Path tdir = Files.createDirectories(phaseDir.resolve("opentracker"));
    tdir.toFile().setReadable(true, false);
    tdir.toFile().setExecutable(true, false);
    Path whitelist = tdir.resolve("whitelist.txt");
    Files.writeString(whitelist, String.join("\n", infoHashes) + "\n", StandardCharsets.US_ASCII);
    whitelist.toFile().setReadable(true, false);
    String port = Integer.toString(TRACKER_PORT);
    // Debian's build is whitelist-only; -w is resolved inside the chroot -d, so it is relative.
    DaemonProcess ot =
        DaemonProcess.builder(
                "opentracker@" + tracker.name(),
                Commands.inNetns(
                    tracker.netns(),
                    nice,
                    List.of(
                        "opentracker",
                        "-i",
                        tracker.ip(),
                        "-p",
                        port,
                        "-P",
                        port,
                        "-d",
                        tdir.toString(),
                        "-w",
                        "whitelist.txt")))
            .workingDir(tdir)
            .logFile(phaseDir.resolve("opentracker.log"))
            .start();
    started.add("tracker", tracker.name(), ot.pid(), ot);

    long t0 = System.nanoTime();
    Path sdir = Files.createDirectories(phaseDir.resolve("seeder"));
    List<String> cmd = new ArrayList<>(List.of("aria2c"));
    cmd.addAll(flags(blobs, sdir.resolve("aria2c.log")));
    cmd.addAll(
        List.of("--check-integrity=true", "--seed-ratio=0.0", "--seed-time=60", "--stop=7200"));
    torrents.forEach(t -> cmd.add(t.toString()));
    DaemonProcess seed =
        DaemonProcess.builder(
                "aria2c-seeder@" + seeder.name(), Commands.inNetns(seeder.netns(), nice, cmd))
            .workingDir(sdir)
            .logFile(sdir.resolve("stdout.log"))
            .start();
    started.add("seeder", seeder.name(), seed.pid(), seed);
    awaitSeeded(tracker, seeder, seed, sdir, Duration.ofSeconds(90));
    details.put("seeder", "aria2c, every blob pre-loaded and checked before the timer");
    details.put("prewarm_seconds", (System.nanoTime() - t0) / 1e9);
    details.put("piece_lengths", pieceLengths());
  }

  /** Polls the tracker's scrape (from the seeder's host) until every torrent has a seed. */
  private void awaitSeeded(
      NetnsTopology.Host tracker,
      NetnsTopology.Host from,
      DaemonProcess seed,
      Path scrapeDir,
      Duration timeout)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (String ih : infoHashes) {
      StringBuilder enc = new StringBuilder();
      for (int i = 0; i < ih.length(); i += 2) {
        enc.append('%').append(ih, i, i + 2);
      }
      String url = "http://" + tracker.hostPort(TRACKER_PORT) + "/scrape?info_hash=" + enc;
      // The answer is bencode with raw info-hash bytes: into a file, read as ISO-8859-1.
      Path answer = scrapeDir.resolve("scrape.bencode");
      while (true) {
        Files.deleteIfExists(answer);
        Commands.Result r =
            Commands.run(
                Duration.ofSeconds(5),
                Commands.inNetns(
                    from.netns(),
                    List.of("curl", "-s", "--max-time", "2", "-o", answer.toString(), url)));
        String body =
            Files.exists(answer)
                ? new String(Files.readAllBytes(answer), StandardCharsets.ISO_8859_1)
                : "";
        Matcher m = COMPLETE.matcher(body);
        if (r.ok() && m.find() && Integer.parseInt(m.group(1)) >= 1) {
          break;
        }
        if (!seed.isAlive()) {
          throw new IOException("aria2c seeder exited: " + seed.outputTail(20));
        }
        if (System.nanoTime() > deadline) {
          throw new IOException(
              "opentracker lists no seed for " + ih + " after " + timeout.toSeconds() + " s");
        }
        Thread.sleep(100);
      }
    }
  }

  /**
   * Starts one aria2c per host behind the barrier, releases them, and waits until every host has
   * every blob (or {@code timeout}). {@code whenAllDone} runs then, while the aria2c processes
   * still seed. The processes are recorded in {@code started} (role {@code agents}) and stopped
   * with it.
   */
  List<BarrierPull.Result> pull(
      List<NetnsTopology.Host> hosts,
      Path phaseDir,
      Duration timeout,
      int nice,
      boolean keep,
      Started started,
      Runnable whenAllDone)
      throws IOException, InterruptedException {
    int n = hosts.size();
    List<Barrier.Waiter> waiters = new ArrayList<>();
    Path[] downloads = new Path[n];
    Path[] doneFiles = new Path[n];
    Path[] logs = new Path[n];
    for (int i = 0; i < n; i++) {
      NetnsTopology.Host h = hosts.get(i);
      downloads[i] = phaseDir.resolve("dl-" + h.name());
      BarrierPull.deleteTree(downloads[i]);
      Files.createDirectories(downloads[i]);
      doneFiles[i] = phaseDir.resolve("dl-" + h.name() + ".done");
      Files.deleteIfExists(doneFiles[i]);
      logs[i] = phaseDir.resolve(h.name() + ".log");
      List<String> args = new ArrayList<>(List.of("aria2c"));
      args.addAll(flags(downloads[i], phaseDir.resolve(h.name() + "-aria2c.log")));
      args.addAll(
          List.of(
              "--seed-ratio=0.0",
              "--seed-time=" + (timeout.toMinutes() + 2),
              "--stop=" + (timeout.toSeconds() + 60),
              "--on-bt-download-complete=" + hook));
      torrents.forEach(t -> args.add(t.toString()));
      waiters.add(new Barrier.Waiter(h, "exec \"$@\"", args, logs[i]));
    }
    Barrier.Released released = Barrier.run(phaseDir, waiters, nice, "aria2c");
    for (int i = 0; i < n; i++) {
      Process p = released.processes().get(i);
      started.add("agents", hosts.get(i).name(), p.pid(), () -> stop(p));
    }
    long deadline = released.startNanos() + timeout.toNanos();
    String[] errors = new String[n];
    double[] seconds = new double[n];
    boolean[] finished = new boolean[n];
    int left = n;
    while (left > 0 && System.nanoTime() < deadline) {
      for (int i = 0; i < n; i++) {
        if (finished[i]) {
          continue;
        }
        Map<String, String[]> done = readDone(doneFiles[i]);
        String bad =
            done.entrySet().stream()
                .filter(e -> !e.getKey().equals(e.getValue()[1]))
                .map(e -> "sha256 of " + e.getKey() + " is " + e.getValue()[1])
                .findFirst()
                .orElse(null);
        if (bad != null || done.keySet().containsAll(names)) {
          finished[i] = true;
          left--;
          errors[i] = bad;
          long last = done.values().stream().mapToLong(v -> Long.parseLong(v[0])).max().orElse(0);
          seconds[i] = (last - released.startEpochMillis()) / 1000.0;
        } else if (!released.processes().get(i).isAlive()) {
          finished[i] = true;
          left--;
          errors[i] =
              "aria2c exited with "
                  + released.processes().get(i).exitValue()
                  + " before every blob was complete: "
                  + BarrierPull.tail(logs[i]);
        }
      }
      if (left > 0) {
        Thread.sleep(20);
      }
    }
    whenAllDone.run();
    List<BarrierPull.Result> results = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String error = finished[i] ? errors[i] : "timed out after " + timeout.toSeconds() + " s";
      results.add(
          new BarrierPull.Result(
              hosts.get(i).name(),
              "aria2c",
              error == null ? seconds[i] : Double.NaN,
              error == null,
              error,
              Double.NaN));
      if (!keep) {
        BarrierPull.deleteTree(downloads[i]);
      }
    }
    return results;
  }

  /**
   * Completed blobs of one host: name to {epoch ms, sha256 hex}. Partial last lines are skipped.
   */
  private static Map<String, String[]> readDone(Path done) throws IOException {
    Map<String, String[]> out = new HashMap<>();
    if (!Files.exists(done)) {
      return out;
    }
    for (String line : Files.readAllLines(done, StandardCharsets.US_ASCII)) {
      String[] f = line.strip().split(" ");
      if (f.length == 3 && f[2].length() == 64 && f[0].chars().allMatch(Character::isDigit)) {
        out.put(f[1], new String[] {f[0], f[2]});
      }
    }
    return out;
  }

  private static void stop(Process p) throws InterruptedException {
    p.destroy();
    if (!p.waitFor(10, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      p.waitFor(5, TimeUnit.SECONDS);
    }
    if (!p.isAlive()) {
      ProcessReaper.unregister(p);
    }
  }

  /**
   * The flags engine-bench gives aria2c too: no DHT, LPD or PEX, so peers come from the tracker.
   */
  private List<String> flags(Path downloadDir, Path log) {
    int count = torrents.size();
    return List.of(
        "--no-conf=true",
        "--enable-dht=false",
        "--enable-dht6=false",
        "--bt-enable-lpd=false",
        "--enable-peer-exchange=false",
        "--file-allocation=none",
        "--dir=" + downloadDir,
        "--listen-port=" + PEER_PORT,
        "--max-concurrent-downloads=" + count,
        "--bt-max-open-files=" + (count + 10),
        "--bt-save-metadata=false",
        "--auto-save-interval=0",
        "--allow-overwrite=true",
        "--auto-file-renaming=false",
        "--summary-interval=0",
        "--show-console-readout=false",
        "--console-log-level=notice",
        "--enable-color=false",
        "--log=" + log,
        "--log-level=notice");
  }
}
