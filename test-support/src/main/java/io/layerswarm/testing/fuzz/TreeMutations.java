package io.layerswarm.testing.fuzz;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Structure-aware inputs: a seed document as a tree of maps ({@code Map<String, Object>}), lists
 * and leaves (a bencoded torrent, a JSON manifest, a YAML config), changed by a few edits on the
 * tree and then encoded. The encoding stays well-formed, so the input passes the syntax checks that
 * byte edits mostly trip, and reaches the checks of meaning behind them: a field of the wrong type
 * or value, a field missing, repeated or added, a value moved elsewhere.
 *
 * <p>Leaves are whatever the encoder takes; a {@code null} leaf is allowed if it does.
 */
public final class TreeMutations {
  /** What an edit does to the node it picks. */
  public enum Kind {
    /** The node becomes one of the caller's leaves. */
    REPLACE,
    /** The node leaves its map or list (the root stays). */
    REMOVE,
    /** A map gets one of the caller's keys with one of the leaves; a list gets a leaf appended. */
    ADD,
    /** A copy of another node takes the node's place. */
    COPY,
    /** The node is wrapped in a one-element list. */
    WRAP,
    /** A list element is repeated; a map value is set under another of the caller's keys too. */
    DUPLICATE
  }

  /**
   * One edit; the indexes are reduced modulo the number of nodes, leaves and keys.
   *
   * @param node the pre-order index of the node edited
   * @param other a second node (for {@link Kind#COPY})
   */
  public record Edit(Kind kind, int node, int other, int leaf, int key) {}

  private TreeMutations() {}

  /**
   * @param seeds documents (maps, lists and leaves); each input starts from a deep copy
   * @param leaves replacement values: boundary numbers, strings of the grammar, empty containers
   * @param keys the names a document of this kind uses, and a few it must not
   * @param encode the document's encoder; it must take every tree the seeds and leaves make
   */
  public static <T> Arbitrary<T> of(
      List<Object> seeds, List<Object> leaves, List<String> keys, Function<Object, T> encode) {
    Arbitrary<Integer> index = Arbitraries.integers().greaterOrEqual(0);
    Arbitrary<List<Edit>> edits =
        Combinators.combine(Arbitraries.of(Kind.class), index, index, index, index)
            .as(Edit::new)
            .list()
            .ofMinSize(1)
            .ofMaxSize(4);
    return Combinators.combine(Arbitraries.of(seeds), edits)
        .as((seed, list) -> encode.apply(apply(seed, list, leaves, keys)));
  }

  /** Applies {@code edits} to a deep copy of {@code seed}. */
  static Object apply(Object seed, List<Edit> edits, List<Object> leaves, List<String> keys) {
    Object root = copy(seed);
    for (Edit edit : edits) {
      List<Slot> slots = new ArrayList<>();
      slots(root, null, null, slots);
      Slot slot = slots.get(edit.node() % slots.size());
      Object leaf = copy(leaves.get(edit.leaf() % leaves.size()));
      String key = keys.get(edit.key() % keys.size());
      Object replacement =
          switch (edit.kind()) {
            case REPLACE -> leaf;
            case COPY -> copy(slots.get(edit.other() % slots.size()).value());
            case WRAP -> new ArrayList<>(Collections.singletonList(slot.value()));
            default -> slot.value();
          };
      switch (edit.kind()) {
        case REMOVE -> slot.remove();
        case ADD -> add(slot.value(), key, leaf);
        case DUPLICATE -> slot.duplicate(key);
        default -> {
          if (slot.parent() == null) {
            root = replacement;
          } else {
            slot.set(replacement);
          }
        }
      }
    }
    return root;
  }

  /** A node and where it hangs: a map's key or a list's index; the root has no parent. */
  private record Slot(Object parent, Object key, Object value) {
    @SuppressWarnings("unchecked")
    void set(Object replacement) {
      if (parent instanceof Map<?, ?> map) {
        ((Map<Object, Object>) map).put(key, replacement);
      } else if (parent instanceof List<?> list) {
        ((List<Object>) list).set((Integer) key, replacement);
      }
    }

    void remove() {
      if (parent instanceof Map<?, ?> map) {
        map.remove(key);
      } else if (parent instanceof List<?> list) {
        list.remove((int) (Integer) key);
      }
    }

    @SuppressWarnings("unchecked")
    void duplicate(String otherKey) {
      if (parent instanceof Map<?, ?> map) {
        ((Map<Object, Object>) map).put(otherKey, copy(value));
      } else if (parent instanceof List<?> list) {
        ((List<Object>) list).add((Integer) key, copy(value));
      }
    }
  }

  private static void slots(Object node, Object parent, Object key, List<Slot> out) {
    out.add(new Slot(parent, key, node));
    if (node instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        slots(entry.getValue(), node, entry.getKey(), out);
      }
    } else if (node instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        slots(list.get(i), node, i, out);
      }
    }
  }

  @SuppressWarnings("unchecked")
  private static void add(Object node, String key, Object leaf) {
    if (node instanceof Map<?, ?> map) {
      ((Map<Object, Object>) map).put(key, leaf);
    } else if (node instanceof List<?> list) {
      ((List<Object>) list).add(leaf);
    }
  }

  /** A mutable deep copy: maps keep their order, leaves are shared (they are never changed). */
  private static Object copy(Object node) {
    if (node instanceof Map<?, ?> map) {
      Map<Object, Object> copy = new LinkedHashMap<>();
      map.forEach((k, v) -> copy.put(k, copy(v)));
      return copy;
    }
    if (node instanceof List<?> list) {
      List<Object> copy = new ArrayList<>(list.size());
      for (Object element : list) {
        copy.add(copy(element));
      }
      return copy;
    }
    return node;
  }
}
