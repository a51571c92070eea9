package io.layerswarm.agent.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NamespaceRewriterTest {
  @Test
  void theRegistryBecomesTheNsParameterAndOtherParametersStay() {
    assertThat(NamespaceRewriter.rewrite("/v2/team/app/manifests/1", "registry.test:5000"))
        .isEqualTo("/v2/team/app/manifests/1?ns=registry.test%3A5000");
    assertThat(NamespaceRewriter.rewrite("/v2/team/app/tags/list?n=10", "ghcr.io"))
        .isEqualTo("/v2/team/app/tags/list?n=10&ns=ghcr.io");
  }

  @Test
  void anNsTheClientSentIsReplaced() {
    assertThat(NamespaceRewriter.rewrite("/v2/a/manifests/1?ns=evil.example", "ghcr.io"))
        .isEqualTo("/v2/a/manifests/1?ns=ghcr.io");
  }
}
