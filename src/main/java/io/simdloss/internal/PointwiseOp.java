package io.simdloss.internal;

/**
 * The cheap elementwise losses of a prediction x against a label y (with a parameter c), the ones whose
 * per-sample sums {@link LossKernels#mapSum} forms straight from the operands: a loss that costs a few
 * instructions per element is bound by memory, and writing its elements to a chunk buffer and reading them back
 * for the sum was a third of its time (see {@link SampleReduction}). The exp/log losses keep the chunk: their
 * arithmetic hides the buffer's cost, and their bodies would not fit one kernel's inlining budget.
 */
public enum PointwiseOp {
  /** {@code (x - y)^2}; derivative {@code 2(x - y)}. c is not used. */
  SQUARED_ERROR,
  /** {@code |x - y|}; derivative {@code sign(x - y)}, 0 at 0. c is not used. */
  ABSOLUTE_ERROR,
  /**
   * Huber with threshold c: {@code |d| > c ? |d| - c/2 : (|d| (0.5/c)) |d|} for {@code d = x - y}; derivative
   * {@code sign(d)} beyond c, {@code d (1/c)} within.
   */
  HUBER,
  /** {@code max(0, c - x y)}; derivative {@code -y} where {@code c - x y > 0}, else 0. */
  HINGE,
  /** {@code max(0, c - x y)^2}; derivative {@code -2 max(0, c - x y) y}. */
  SQUARED_HINGE
}
