package io.layerswarm.testbed.netns;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalDouble;

/**
 * CPU time from {@code /proc}: a process's user+sys seconds (read while it still runs), and the
 * whole machine's busy time, to tell our processes' share from what else runs on the machine.
 */
public final class ProcCpu {

  /**
   * USER_HZ; 100 on every Linux/x86-64 and arm64 kernel, which is what {@code getconf CLK_TCK}
   * says.
   */
  static final double TICKS_PER_SECOND = 100.0;

  private ProcCpu() {}

  /** user+sys seconds of a live process (its own threads only), or empty if it is gone. */
  public static OptionalDouble seconds(long pid) {
    return read(pid, false);
  }

  /** As {@link #seconds}, plus the children it has waited for (cutime+cstime). */
  public static OptionalDouble secondsWithChildren(long pid) {
    return read(pid, true);
  }

  private static OptionalDouble read(long pid, boolean children) {
    try {
      return OptionalDouble.of(
          parseStat(Files.readString(Path.of("/proc", Long.toString(pid), "stat")), children));
    } catch (IOException | RuntimeException e) {
      return OptionalDouble.empty();
    }
  }

  /**
   * Parses a {@code /proc/<pid>/stat} line: fields 14-17 (utime, stime, cutime, cstime) counted
   * after the {@code (comm)} field, which may contain spaces and parentheses.
   */
  public static double parseStat(String stat, boolean children) {
    int close = stat.lastIndexOf(')');
    if (close < 0) {
      throw new IllegalArgumentException("not a /proc/<pid>/stat line: " + stat);
    }
    String[] f = stat.substring(close + 1).trim().split("\\s+");
    // f[0] is field 3 (state), so field k is f[k - 3].
    long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
    if (children) {
      ticks += Long.parseLong(f[13]) + Long.parseLong(f[14]);
    }
    return ticks / TICKS_PER_SECOND;
  }

  /** Cumulative jiffies of the whole machine from the first line of {@code /proc/stat}. */
  public record Machine(long busyTicks, long totalTicks) {
    /** CPU-seconds the machine spent busy (all cores) between {@code earlier} and this snapshot. */
    public double busySecondsSince(Machine earlier) {
      return (busyTicks - earlier.busyTicks) / TICKS_PER_SECOND;
    }
  }

  public static Machine machine() {
    try {
      String first = Files.readAllLines(Path.of("/proc/stat")).get(0);
      String[] f = first.trim().split("\\s+");
      long total = 0;
      long idle = 0;
      // cpu user nice system idle iowait irq softirq steal guest guest_nice; guest time is inside
      // user.
      for (int i = 1; i < Math.min(f.length, 9); i++) {
        long v = Long.parseLong(f[i]);
        total += v;
        if (i == 4 || i == 5) {
          idle += v;
        }
      }
      return new Machine(total - idle, total);
    } catch (IOException | RuntimeException e) {
      return new Machine(0, 0);
    }
  }

  /** The 1-minute load average, or -1 if unknown. */
  public static double loadAverage() {
    try {
      return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+")[0]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }
}
