/**
 * LayerSwarm's test bed: everything needed to exercise the system against real, local
 * infrastructure.
 *
 * <ul>
 *   <li>{@link io.layerswarm.testbed.ImageBuilder} makes synthetic images (random incompressible
 *       layers, optional busybox base) as {@link io.layerswarm.testbed.Image}s;
 *   <li>{@link io.layerswarm.testbed.OriginRegistry} runs Debian's docker-registry on 127.0.0.1 and
 *       {@link io.layerswarm.testbed.RegistryPusher} pushes images to it;
 *   <li>{@link io.layerswarm.testbed.AccessLog} reads the registry's access log to measure origin
 *       egress;
 *   <li>{@link io.layerswarm.testbed.Skopeo} pulls with an independent client and verifies the
 *       result;
 *   <li>{@link io.layerswarm.testbed.DaemonProcess}, {@link io.layerswarm.testbed.ProcessReaper}
 *       and {@link io.layerswarm.testbed.FreePorts} start, await and reliably stop child processes.
 * </ul>
 *
 * All traffic stays on loopback; every child process is stopped by its own handle.
 */
package io.layerswarm.testbed;
