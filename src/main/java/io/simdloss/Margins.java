package io.simdloss;

/** The one check of a margin option, shared by the hinge and triplet losses. */
final class Margins {
  private Margins() {}

  static float check(float margin) {
    if (!Float.isFinite(margin)) {
      throw new IllegalArgumentException("margin: expected a finite number, got " + margin);
    }
    return margin;
  }
}
