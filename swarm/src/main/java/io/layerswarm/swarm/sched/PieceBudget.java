package io.layerswarm.swarm.sched;

/**
 * Bounds the pieces a {@link StreamingRarestFirstPicker} has in progress, for an owner that holds
 * memory for each one. The picker asks before it starts a piece, and says when it gives up a piece
 * it started that holds no data (its requests were all withdrawn). Whatever else ends a piece (it
 * was verified) is the owner's business. Called on the picker's thread.
 */
public interface PieceBudget {
  /** No bound. */
  PieceBudget UNBOUNDED =
      new PieceBudget() {
        @Override
        public boolean tryStart(int piece) {
          return true;
        }

        @Override
        public void dropped(int piece) {}
      };

  /** Whether the picker may start fetching {@code piece}; if so, it counts as started. */
  boolean tryStart(int piece);

  /** A piece started earlier was given up before any of its data arrived. */
  void dropped(int piece);
}
