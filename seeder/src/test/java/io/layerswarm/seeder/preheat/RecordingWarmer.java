package io.layerswarm.seeder.preheat;

import io.layerswarm.core.Digest;
import io.layerswarm.registry.RegistryHost;
import io.layerswarm.registry.RepositoryName;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Records what it was asked to warm; fails for the digests in {@link #failing}. */
final class RecordingWarmer implements BlobWarmer {
  record Call(Digest digest, RegistryHost registry, RepositoryName repo) {}

  final List<Call> calls = new ArrayList<>();
  final Set<Digest> failing = new HashSet<>();

  @Override
  public synchronized String warm(Digest digest, RegistryHost registry, RepositoryName repo)
      throws PreheatException {
    calls.add(new Call(digest, registry, repo));
    if (failing.contains(digest)) {
      throw new PreheatException("origin said 503 for " + digest);
    }
    return "held by the test";
  }

  synchronized List<Digest> digests() {
    List<Digest> digests = new ArrayList<>();
    for (Call call : calls) {
      digests.add(call.digest());
    }
    return digests;
  }
}
