package io.layerswarm.testing.fuzz;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Tuple;

/**
 * Query strings ({@code a=1&b=%FF}) for fuzz targets, mutated at two levels: as a list of {@code
 * name=value} pairs with {@link TreeMutations} (a value replaced by a boundary value, a pair
 * dropped, repeated or moved, a bare name), which keeps the query well-formed and so reaches each
 * parameter's own checks; and as text with {@link Mutations} (escapes, delimiters), which reaches
 * the decoder's. Both, one after the other, too.
 */
public final class QueryMutations {
  private QueryMutations() {}

  /**
   * @param seeds valid queries, without the {@code ?}
   * @param values replacement values and names: boundary numbers, malformed escapes, other types
   * @param tokens text tokens for the character-level edits
   */
  public static Arbitrary<String> of(List<String> seeds, List<String> values, List<String> tokens) {
    List<Object> trees = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (String seed : seeds) {
      List<Object> pairs = new ArrayList<>();
      for (String pair : seed.split("&", -1)) {
        List<String> nameValue = Arrays.asList(pair.split("=", 2));
        names.add(nameValue.get(0));
        pairs.add(new ArrayList<Object>(nameValue));
      }
      trees.add(pairs);
    }
    List<Object> leaves = new ArrayList<>(values);
    leaves.addAll(names);
    Arbitrary<String> pairs = TreeMutations.of(trees, leaves, names, QueryMutations::encode);
    return Arbitraries.frequencyOf(
        Tuple.of(1, Mutations.text(seeds, tokens)),
        Tuple.of(2, pairs),
        Tuple.of(1, Mutations.text(pairs, tokens)));
  }

  /** Pairs as {@code name=value} joined by {@code &}; deeper lists join with {@code =}. */
  private static String encode(Object node) {
    if (node instanceof List<?> list) {
      List<String> parts = new ArrayList<>();
      for (Object element : list) {
        parts.add(element instanceof List<?> pair ? join(pair) : String.valueOf(element));
      }
      return String.join("&", parts);
    }
    return String.valueOf(node);
  }

  private static String join(List<?> pair) {
    List<String> parts = new ArrayList<>();
    for (Object part : pair) {
      parts.add(part instanceof List<?> nested ? join(nested) : String.valueOf(part));
    }
    return String.join("=", parts);
  }
}
