/** The numbers of simulated pulls, written as Markdown, JSON and PNG plots. */
package io.layerswarm.sim.report;
