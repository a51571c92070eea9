/**
 * The agent as an HTTPS proxy for clients that cannot be pointed at a mirror (dockerd with a
 * registry other than Docker Hub): a {@code CONNECT} to a registry named in {@code upstreams} is
 * answered by the agent itself, TLS terminated with a certificate of the agent's own CA, and served
 * by the same registry pipeline as {@code agent.listen}; any other {@code CONNECT} is tunnelled
 * untouched or refused.
 */
package io.layerswarm.agent.proxy;
