/**
 * {@code bench/tracker-bench}: a loopback load generator of HTTP announces (H simulated hosts x L
 * layers, each connection bound to its own 127.x.y.z source) against our tracker with the in-memory
 * store, with a Redis store, and Debian's opentracker, with the trackers' CPU and RSS from {@code
 * /proc}.
 */
package io.layerswarm.testbed.trackerload;
