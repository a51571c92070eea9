/** Disk space: limits given in bytes or as a share of a file system, and free space. */
package io.layerswarm.core.disk;
