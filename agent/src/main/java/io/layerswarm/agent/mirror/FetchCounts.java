package io.layerswarm.agent.mirror;

/**
 * What the blob fetcher has moved since the agent started: a snapshot of its counters.
 *
 * @param bytesFromSwarm bytes peers delivered to this agent's downloads (verified or not)
 * @param bytesFromOrigin bytes copied from upstream registries because the swarm failed
 * @param blobsFromSwarm blobs stored from a swarm download alone
 * @param blobsFromOrigin blobs stored from an origin copy (perhaps after a verified prefix from the
 *     swarm)
 * @param failedFetches transfers that ended without a stored blob
 * @param swarmVerificationFailures swarm downloads whose sha256 did not match the digest
 * @param originVerificationFailures origin copies that failed verification (digest or size)
 * @param passedThrough blobs streamed from the origin to a client without being stored, because the
 *     data file system had no room for them above its free-space floor
 * @param blobsInline tiny blobs stored from the bytes inlined in their metainfo answer, without a
 *     swarm (decision 31)
 * @param inlineRejected inlined bytes that did not match the digest (or the torrent's length), and
 *     that the swarm or the origin replaced
 */
public record FetchCounts(
    long bytesFromSwarm,
    long bytesFromOrigin,
    long blobsFromSwarm,
    long blobsFromOrigin,
    long failedFetches,
    long swarmVerificationFailures,
    long originVerificationFailures,
    long passedThrough,
    long blobsInline,
    long inlineRejected) {}
