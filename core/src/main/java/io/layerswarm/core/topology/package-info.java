/** Where a member sits in the datacenter: its zone and rack labels. */
package io.layerswarm.core.topology;
