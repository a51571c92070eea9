/**
 * A simulated pull: the network, seeders (pre-heated or cold behind an origin) and hosts that pull
 * an image the way dockerd does, with arrivals and failures; runs it and collects the numbers.
 */
package io.layerswarm.sim.scenario;
