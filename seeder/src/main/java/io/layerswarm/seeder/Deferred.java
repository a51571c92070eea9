package io.layerswarm.seeder;

/**
 * Holds a value set once after construction; reading it before fails. The seeder's endpoints are
 * bound before the parts they call (the ring needs the bound address), so they reach those parts
 * through this.
 */
final class Deferred<T> {
  private volatile T value;

  void set(T value) {
    this.value = value;
  }

  /**
   * @throws IllegalStateException before {@link #set}
   */
  T get() {
    T current = value;
    if (current == null) {
      throw new IllegalStateException("the seeder is still starting");
    }
    return current;
  }
}
