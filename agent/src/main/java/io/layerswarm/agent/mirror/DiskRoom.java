package io.layerswarm.agent.mirror;

import java.io.IOException;

/**
 * Whether a blob about to be fetched fits on the agent's data file system above its free-space
 * floor, evicting what it may to make room. The cache janitor answers; {@link #ALWAYS} for a mirror
 * without a floor.
 */
@FunctionalInterface
public interface DiskRoom {
  DiskRoom ALWAYS = bytes -> true;

  /** Makes room for {@code bytes} if it can (blocking file I/O); true when they fit. */
  boolean makeRoom(long bytes) throws IOException;
}
