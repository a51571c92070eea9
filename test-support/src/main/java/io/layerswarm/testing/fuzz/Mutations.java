package io.layerswarm.testing.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.RandomDistribution;

/**
 * Inputs for fuzz targets, made the way a mutation fuzzer makes them: a valid seed (so the input
 * gets past the first checks and reaches deep into a parser) changed by a few edits: a flipped bit,
 * a replaced unit, a cut, a duplicated or deleted range, a token from the target's dictionary (a
 * delimiter, a boundary number), random units, or a splice with the tail of another seed. Zero
 * edits keep the seed, so the valid path is exercised too.
 *
 * <p>The edits are jqwik values, so a failing input shrinks to the fewest and smallest edits that
 * still fail, and is printed with them.
 */
public final class Mutations {
  /** The most edits applied to one seed. */
  public static final int MAX_EDITS = 8;

  private static final int MAX_RANGE = 4096;

  /** What an edit does. */
  public enum Kind {
    FLIP_BIT,
    REPLACE,
    DELETE,
    TRUNCATE,
    DUPLICATE,
    INSERT_TOKEN,
    INSERT_RANDOM,
    SPLICE
  }

  /**
   * One edit. {@code at} and {@code to} are reduced modulo the current length, so every edit
   * applies to every input.
   *
   * @param length units the edit covers (deleted, duplicated, inserted)
   * @param value the replacement unit, the token's index, or the seed of random units
   */
  public record Edit(Kind kind, int at, int to, int length, int value) {}

  private Mutations() {}

  /**
   * Byte inputs: {@code seeds} with up to {@link #MAX_EDITS} edits; {@code dictionary} holds tokens
   * of the target's grammar (may be empty).
   */
  public static Arbitrary<byte[]> bytes(Arbitrary<byte[]> seeds, List<byte[]> dictionary) {
    List<int[]> tokens = dictionary.stream().map(Mutations::units).toList();
    return Combinators.combine(seeds, seeds, edits())
        .as(
            (seed, other, edits) -> {
              int[] out = apply(units(seed), units(other), edits, tokens, 0xff);
              byte[] bytes = new byte[out.length];
              for (int i = 0; i < out.length; i++) {
                bytes[i] = (byte) out[i];
              }
              return bytes;
            });
  }

  /**
   * Text inputs: {@code seeds} with up to {@link #MAX_EDITS} edits on its UTF-16 units. Replaced
   * and random units are printable ASCII, control characters, Latin-1 or any BMP unit (lone
   * surrogates included), in equal parts.
   */
  public static Arbitrary<String> text(Arbitrary<String> seeds, List<String> dictionary) {
    List<int[]> tokens = dictionary.stream().map(Mutations::units).toList();
    return Combinators.combine(seeds, seeds, edits())
        .as(
            (seed, other, edits) -> {
              int[] out = apply(units(seed), units(other), edits, tokens, -1);
              return text(out);
            });
  }

  /**
   * Byte inputs shown as text: {@code seeds} with up to {@link #MAX_EDITS} edits, every unit in
   * U+0000..U+00FF, so the ISO-8859-1 bytes of the result are the input (a protocol's bytes, which
   * jqwik then prints readably when it reports a failure).
   */
  public static Arbitrary<String> latin1(List<String> seeds, List<String> dictionary) {
    List<int[]> tokens = dictionary.stream().map(Mutations::units).toList();
    Arbitrary<String> fixed = Arbitraries.of(seeds);
    return Combinators.combine(fixed, fixed, edits())
        .as((seed, other, edits) -> text(apply(units(seed), units(other), edits, tokens, 0xff)));
  }

  /** Byte inputs from fixed seeds. */
  public static Arbitrary<byte[]> bytes(List<byte[]> seeds, List<byte[]> dictionary) {
    return bytes(Arbitraries.of(seeds), dictionary);
  }

  /** Text inputs from fixed seeds. */
  public static Arbitrary<String> text(List<String> seeds, List<String> dictionary) {
    return text(Arbitraries.of(seeds), dictionary);
  }

  /** The tokens as UTF-8 bytes, for a byte target whose grammar is text. */
  public static List<byte[]> utf8(List<String> tokens) {
    return tokens.stream().map(t -> t.getBytes(StandardCharsets.UTF_8)).toList();
  }

  /**
   * How to cut {@code length} bytes into reads, as a network delivers them: sizes of 1 byte up to
   * the whole input, the last read taking the rest.
   */
  public static Arbitrary<List<Integer>> reads() {
    return Arbitraries.integers()
        .between(1, 1 << 16)
        .withDistribution(RandomDistribution.biased())
        .list()
        .ofMaxSize(16);
  }

  /** Splits {@code input} into reads of the given sizes; the rest is one more read. */
  public static List<byte[]> split(byte[] input, List<Integer> sizes) {
    List<byte[]> reads = new ArrayList<>();
    int at = 0;
    for (int size : sizes) {
      if (at >= input.length) {
        break;
      }
      int end = Math.min(input.length, at + size);
      reads.add(Arrays.copyOfRange(input, at, end));
      at = end;
    }
    if (at < input.length) {
      reads.add(Arrays.copyOfRange(input, at, input.length));
    }
    return reads;
  }

  private static Arbitrary<List<Edit>> edits() {
    Arbitrary<Integer> position = Arbitraries.integers().greaterOrEqual(0);
    Arbitrary<Integer> length =
        Arbitraries.integers().between(1, MAX_RANGE).withDistribution(RandomDistribution.biased());
    return Combinators.combine(
            Arbitraries.of(Kind.class),
            position,
            position,
            length,
            Arbitraries.integers().greaterOrEqual(0))
        .as(Edit::new)
        .list()
        .ofMaxSize(MAX_EDITS);
  }

  /**
   * @param mask 0xff for bytes; -1 for UTF-16 units, drawn from the classes {@link #text} names
   */
  private static int[] apply(
      int[] seed, int[] other, List<Edit> edits, List<int[]> tokens, int mask) {
    int[] data = seed;
    for (Edit edit : edits) {
      int n = data.length;
      int at = edit.at() % (n + 1);
      int inside = n == 0 ? 0 : edit.at() % n;
      int span = Math.min(edit.length(), n - at);
      data =
          switch (edit.kind()) {
            case FLIP_BIT -> {
              if (n == 0) {
                yield data;
              }
              int[] copy = data.clone();
              copy[inside] ^= 1 << (edit.value() % (mask == 0xff ? 8 : 16));
              yield copy;
            }
            case REPLACE -> {
              if (n == 0) {
                yield data;
              }
              int[] copy = data.clone();
              copy[inside] = unit(edit.value(), mask);
              yield copy;
            }
            case DELETE -> concat(Arrays.copyOfRange(data, 0, at), tail(data, at + span));
            case TRUNCATE -> Arrays.copyOfRange(data, 0, at);
            case DUPLICATE -> {
              int[] range = Arrays.copyOfRange(data, at, at + span);
              int to = edit.to() % (n + 1);
              yield concat(Arrays.copyOfRange(data, 0, to), range, tail(data, to));
            }
            case INSERT_TOKEN -> {
              if (tokens.isEmpty()) {
                yield data;
              }
              int[] token = tokens.get(edit.value() % tokens.size());
              yield concat(Arrays.copyOfRange(data, 0, at), token, tail(data, at));
            }
            case INSERT_RANDOM -> {
              SplittableRandom random = new SplittableRandom(edit.value());
              int[] noise = new int[Math.min(edit.length(), 64)];
              for (int i = 0; i < noise.length; i++) {
                noise[i] = unit(random.nextInt() & Integer.MAX_VALUE, mask);
              }
              yield concat(Arrays.copyOfRange(data, 0, at), noise, tail(data, at));
            }
            case SPLICE -> {
              int from = other.length == 0 ? 0 : edit.to() % other.length;
              yield concat(Arrays.copyOfRange(data, 0, at), tail(other, from));
            }
          };
    }
    return data;
  }

  private static int unit(int value, int mask) {
    if (mask == 0xff) {
      return value & 0xff;
    }
    int pick = value >>> 2;
    return switch (value & 3) {
      case 0 -> 0x20 + pick % 0x5f;
      case 1 -> pick % 0x21 == 0x20 ? 0x7f : pick % 0x21;
      case 2 -> 0x80 + pick % 0x80;
      default -> pick & 0xffff;
    };
  }

  private static String text(int[] units) {
    StringBuilder s = new StringBuilder(units.length);
    for (int unit : units) {
      s.append((char) unit);
    }
    return s.toString();
  }

  private static int[] tail(int[] data, int from) {
    return from >= data.length ? new int[0] : Arrays.copyOfRange(data, from, data.length);
  }

  private static int[] concat(int[]... parts) {
    int length = 0;
    for (int[] part : parts) {
      length += part.length;
    }
    int[] out = new int[length];
    int at = 0;
    for (int[] part : parts) {
      System.arraycopy(part, 0, out, at, part.length);
      at += part.length;
    }
    return out;
  }

  private static int[] units(byte[] bytes) {
    int[] units = new int[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      units[i] = bytes[i] & 0xff;
    }
    return units;
  }

  private static int[] units(String s) {
    int[] units = new int[s.length()];
    for (int i = 0; i < s.length(); i++) {
      units[i] = s.charAt(i);
    }
    return units;
  }
}
