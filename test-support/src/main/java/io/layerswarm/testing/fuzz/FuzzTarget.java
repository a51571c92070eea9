package io.layerswarm.testing.fuzz;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.Property;

/**
 * A fuzz target: a jqwik property over {@value #TRIES} generated inputs on every test run (CI
 * included). Edge cases are off: the inputs come from {@link Mutations}, whose seeds are the cases
 * that matter, and jqwik's combined edge cases of edit lists would only repeat the same few inputs
 * (and take longer to make than the tries).
 */
@Target({ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Property(tries = FuzzTarget.TRIES, edgeCases = EdgeCasesMode.NONE)
public @interface FuzzTarget {
  /** Generated inputs per target and run. */
  int TRIES = 10_000;
}
