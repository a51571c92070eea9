/**
 * Cluster membership: the {@link io.layerswarm.core.auth.ClusterSecret} every member loads from
 * {@code cluster.secret-file}, a {@link io.layerswarm.core.auth.ClusterKey} per {@link
 * io.layerswarm.core.auth.KeyPurpose} derived from it, the {@link
 * io.layerswarm.core.auth.HttpSignature} on requests between members, the {@link
 * io.layerswarm.core.auth.BearerToken} of the registry webhook, and {@link
 * io.layerswarm.core.auth.LogSafe} for URLs in logs. No secret is ever printed by any of them.
 */
package io.layerswarm.core.auth;
