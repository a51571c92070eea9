package io.layerswarm.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BearerTokenInterceptorTest {
  private final BearerTokenInterceptor interceptor = new BearerTokenInterceptor("s3cret", "seeder");

  @Test
  void theExactTokenAfterABearerSchemeInAnyCaseIsAuthorized() {
    assertThat(interceptor.authorized("Bearer s3cret")).isTrue();
    assertThat(interceptor.authorized("bearer s3cret")).isTrue();
    assertThat(interceptor.authorized("BEARER  s3cret ")).isTrue();
  }

  @Test
  void anythingElseIsNot() {
    assertThat(interceptor.authorized(null)).isFalse();
    assertThat(interceptor.authorized("")).isFalse();
    assertThat(interceptor.authorized("Bearer ")).isFalse();
    assertThat(interceptor.authorized("Bearer s3cre")).isFalse();
    assertThat(interceptor.authorized("Bearer s3cret2")).isFalse();
    assertThat(interceptor.authorized("Basic s3cret")).isFalse();
    assertThat(interceptor.authorized("s3cret")).isFalse();
  }

  @Test
  void anEmptyTokenIsAConfigurationError() {
    assertThatThrownBy(() -> new BearerTokenInterceptor("", "seeder"))
        .hasMessageContaining("seeder.admin-token");
  }
}
