/**
 * Who may reach the tracker's endpoints: the cluster {@link io.layerswarm.tracker.auth.Passkey} and
 * the pure {@link io.layerswarm.tracker.auth.PasskeyGate} that checks a request path against it.
 * Depends on nothing else in the tracker.
 */
package io.layerswarm.tracker.auth;
