package io.simdloss.internal.vector;

import static io.simdloss.internal.vector.PanamaVectorConstants.FLOATS;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The canonical {@code sum}, {@code dot} and {@code crossEntropy} of {@link PanamaLossKernels} for 4-lane vectors
 * (128-bit floats) and one whole block, {@code 64 <= n < 128}, without a loop: the 16 vectors of the block load
 * straight into the 16 accumulators (vector k holds logical lanes [4k, 4k + 4)), the partial block's whole chunks
 * c = 0, 1, 2 add onto vectors 4c .. 4c + 3, then the block kernels' halving fold and the scalar tail.
 *
 * <p>Why: at 4 lanes every other n takes the block kernels, and C2 checks the bounds of all of a block's loads
 * (32 for dot) before the block loop on every call that enters it (loop predication), which one block does not
 * repay: at n = 100 the block kernels took up to 2.43x the inlined {@code reduceLanes} baseline (README, "What
 * reproducibility costs", session 15). A loop-free method has no loop to predicate. Session 15 tried the same
 * first block peeled inside the block kernels; that took {@code crossEntropyBlocks} past what C1 compiles. These
 * are methods of their own (450-1,100 bytes of bytecode, so calls, not inlined; they take arrays and return a
 * float, so nothing boxes). Measured: README, "What reproducibility costs", session 18.
 *
 * <p>Why these are the canonical bits. {@code dot} forms each lane as the canonical order does: an fma of the first
 * product onto +0f, then of the later chunk's onto it. {@code sum} and {@code crossEntropy} leave out the +0f each
 * logical lane starts from, which changes no value, at most the sign of a zero: every operation gets the same real
 * operands as in the canonical order and rounds them the same. The canonical result of these two is never -0f (a
 * lane that starts from +0f and adds is never -0f, and {@code x + y} is -0f only when both are), so one
 * {@code + 0f} after the fold gives the canonical bits, as {@code Reductions16.sumShort} argues. That would not do
 * for dot: from n = 64 on its canonical result can be -0f (every product a negative underflow;
 * {@code CanonicalReductionTest.underflowEverywhereGivesTheCanonicalNegativeZero}).
 */
final class Reductions4 {
  private Reductions4() {}

  /** Canonical sum of a[ao .. ao + n), 64 <= n < 128. */
  static float sumOneBlock(float[] a, int ao, int n) {
    VectorSpecies<Float> f = FLOATS;
    FloatVector v0 = FloatVector.fromArray(f, a, ao);
    FloatVector v1 = FloatVector.fromArray(f, a, ao + 4);
    FloatVector v2 = FloatVector.fromArray(f, a, ao + 8);
    FloatVector v3 = FloatVector.fromArray(f, a, ao + 12);
    FloatVector v4 = FloatVector.fromArray(f, a, ao + 16);
    FloatVector v5 = FloatVector.fromArray(f, a, ao + 20);
    FloatVector v6 = FloatVector.fromArray(f, a, ao + 24);
    FloatVector v7 = FloatVector.fromArray(f, a, ao + 28);
    FloatVector v8 = FloatVector.fromArray(f, a, ao + 32);
    FloatVector v9 = FloatVector.fromArray(f, a, ao + 36);
    FloatVector v10 = FloatVector.fromArray(f, a, ao + 40);
    FloatVector v11 = FloatVector.fromArray(f, a, ao + 44);
    FloatVector v12 = FloatVector.fromArray(f, a, ao + 48);
    FloatVector v13 = FloatVector.fromArray(f, a, ao + 52);
    FloatVector v14 = FloatVector.fromArray(f, a, ao + 56);
    FloatVector v15 = FloatVector.fromArray(f, a, ao + 60);
    if (n >= 80) {
      v0 = v0.add(FloatVector.fromArray(f, a, ao + 64));
      v1 = v1.add(FloatVector.fromArray(f, a, ao + 68));
      v2 = v2.add(FloatVector.fromArray(f, a, ao + 72));
      v3 = v3.add(FloatVector.fromArray(f, a, ao + 76));
      if (n >= 96) {
        v4 = v4.add(FloatVector.fromArray(f, a, ao + 80));
        v5 = v5.add(FloatVector.fromArray(f, a, ao + 84));
        v6 = v6.add(FloatVector.fromArray(f, a, ao + 88));
        v7 = v7.add(FloatVector.fromArray(f, a, ao + 92));
        if (n >= 112) {
          v8 = v8.add(FloatVector.fromArray(f, a, ao + 96));
          v9 = v9.add(FloatVector.fromArray(f, a, ao + 100));
          v10 = v10.add(FloatVector.fromArray(f, a, ao + 104));
          v11 = v11.add(FloatVector.fromArray(f, a, ao + 108));
        }
      }
    }
    // the halving fold of the 16 vectors (logical lanes [4k, 4k + 4) in vector k), as in the block kernels
    v0 = v0.add(v8);
    v1 = v1.add(v9);
    v2 = v2.add(v10);
    v3 = v3.add(v11);
    v4 = v4.add(v12);
    v5 = v5.add(v13);
    v6 = v6.add(v14);
    v7 = v7.add(v15);
    v0 = v0.add(v4);
    v1 = v1.add(v5);
    v2 = v2.add(v6);
    v3 = v3.add(v7);
    v0 = v0.add(v2);
    v1 = v1.add(v3);
    v0 = v0.add(v1);
    float s = ((v0.lane(0) + v0.lane(2)) + (v0.lane(1) + v0.lane(3))) + 0f; // half = 2, then 1; +0f: above
    return Reductions16.sumFrom(s, a, ao, n & -16, n);
  }

  /** Canonical dot product of a[ao .. ao + n) and b[bo .. bo + n), 64 <= n < 128, one fma per element. */
  static float dotOneBlock(float[] a, int ao, float[] b, int bo, int n) {
    VectorSpecies<Float> f = FLOATS;
    FloatVector z = FloatVector.zero(f);
    FloatVector v0 = FloatVector.fromArray(f, a, ao).fma(FloatVector.fromArray(f, b, bo), z);
    FloatVector v1 = FloatVector.fromArray(f, a, ao + 4).fma(FloatVector.fromArray(f, b, bo + 4), z);
    FloatVector v2 = FloatVector.fromArray(f, a, ao + 8).fma(FloatVector.fromArray(f, b, bo + 8), z);
    FloatVector v3 = FloatVector.fromArray(f, a, ao + 12).fma(FloatVector.fromArray(f, b, bo + 12), z);
    FloatVector v4 = FloatVector.fromArray(f, a, ao + 16).fma(FloatVector.fromArray(f, b, bo + 16), z);
    FloatVector v5 = FloatVector.fromArray(f, a, ao + 20).fma(FloatVector.fromArray(f, b, bo + 20), z);
    FloatVector v6 = FloatVector.fromArray(f, a, ao + 24).fma(FloatVector.fromArray(f, b, bo + 24), z);
    FloatVector v7 = FloatVector.fromArray(f, a, ao + 28).fma(FloatVector.fromArray(f, b, bo + 28), z);
    FloatVector v8 = FloatVector.fromArray(f, a, ao + 32).fma(FloatVector.fromArray(f, b, bo + 32), z);
    FloatVector v9 = FloatVector.fromArray(f, a, ao + 36).fma(FloatVector.fromArray(f, b, bo + 36), z);
    FloatVector v10 = FloatVector.fromArray(f, a, ao + 40).fma(FloatVector.fromArray(f, b, bo + 40), z);
    FloatVector v11 = FloatVector.fromArray(f, a, ao + 44).fma(FloatVector.fromArray(f, b, bo + 44), z);
    FloatVector v12 = FloatVector.fromArray(f, a, ao + 48).fma(FloatVector.fromArray(f, b, bo + 48), z);
    FloatVector v13 = FloatVector.fromArray(f, a, ao + 52).fma(FloatVector.fromArray(f, b, bo + 52), z);
    FloatVector v14 = FloatVector.fromArray(f, a, ao + 56).fma(FloatVector.fromArray(f, b, bo + 56), z);
    FloatVector v15 = FloatVector.fromArray(f, a, ao + 60).fma(FloatVector.fromArray(f, b, bo + 60), z);
    if (n >= 80) {
      v0 = FloatVector.fromArray(f, a, ao + 64).fma(FloatVector.fromArray(f, b, bo + 64), v0);
      v1 = FloatVector.fromArray(f, a, ao + 68).fma(FloatVector.fromArray(f, b, bo + 68), v1);
      v2 = FloatVector.fromArray(f, a, ao + 72).fma(FloatVector.fromArray(f, b, bo + 72), v2);
      v3 = FloatVector.fromArray(f, a, ao + 76).fma(FloatVector.fromArray(f, b, bo + 76), v3);
      if (n >= 96) {
        v4 = FloatVector.fromArray(f, a, ao + 80).fma(FloatVector.fromArray(f, b, bo + 80), v4);
        v5 = FloatVector.fromArray(f, a, ao + 84).fma(FloatVector.fromArray(f, b, bo + 84), v5);
        v6 = FloatVector.fromArray(f, a, ao + 88).fma(FloatVector.fromArray(f, b, bo + 88), v6);
        v7 = FloatVector.fromArray(f, a, ao + 92).fma(FloatVector.fromArray(f, b, bo + 92), v7);
        if (n >= 112) {
          v8 = FloatVector.fromArray(f, a, ao + 96).fma(FloatVector.fromArray(f, b, bo + 96), v8);
          v9 = FloatVector.fromArray(f, a, ao + 100).fma(FloatVector.fromArray(f, b, bo + 100), v9);
          v10 = FloatVector.fromArray(f, a, ao + 104).fma(FloatVector.fromArray(f, b, bo + 104), v10);
          v11 = FloatVector.fromArray(f, a, ao + 108).fma(FloatVector.fromArray(f, b, bo + 108), v11);
        }
      }
    }
    // the halving fold of the 16 vectors (logical lanes [4k, 4k + 4) in vector k), as in the block kernels
    v0 = v0.add(v8);
    v1 = v1.add(v9);
    v2 = v2.add(v10);
    v3 = v3.add(v11);
    v4 = v4.add(v12);
    v5 = v5.add(v13);
    v6 = v6.add(v14);
    v7 = v7.add(v15);
    v0 = v0.add(v4);
    v1 = v1.add(v5);
    v2 = v2.add(v6);
    v3 = v3.add(v7);
    v0 = v0.add(v2);
    v1 = v1.add(v3);
    v0 = v0.add(v1);
    float s = (v0.lane(0) + v0.lane(2)) + (v0.lane(1) + v0.lane(3));
    return Reductions16.dotFrom(s, a, ao, b, bo, n & -16, n);
  }

  /** Canonical sum of label * ((shift - pred) + logSum), 64 <= n < 128. */
  static float crossEntropyOneBlock(float[] label, int lo, float[] pred, int po, float shift, float logSum, int n) {
    VectorSpecies<Float> f = FLOATS;
    FloatVector shiftV = FloatVector.broadcast(f, shift);
    FloatVector logSumV = FloatVector.broadcast(f, logSum);
    FloatVector v0 = FloatVector.fromArray(f, label, lo)
        .mul(shiftV.sub(FloatVector.fromArray(f, pred, po)).add(logSumV));
    FloatVector v1 = FloatVector.fromArray(f, label, lo + 4)
        .mul(shiftV.sub(FloatVector.fromArray(f, pred, po + 4)).add(logSumV));
    FloatVector v2 = FloatVector.fromArray(f, label, lo + 8)
        .mul(shiftV.sub(FloatVector.fromArray(f, pred, po + 8)).add(logSumV));
    FloatVector v3 = FloatVector.fromArray(f, label, lo + 12)
        .mul(shiftV.sub(FloatVector.fromArray(f, pred, po + 12)).add(logSumV));
    FloatVector v4 = FloatVector.fromArray(f, label, lo + 16)
        .mul(shiftV.sub(FloatVector.fromArray(f, pred, po + 16)).add(logSumV));
    FloatVector v5 = FloatVector.fromArray(f, label, lo + 20)
        .mul(shiftV.sub(FloatVector.fromArray(f, pred, po + 20)).add(logSumV));
    FloatVector v6 = FloatVector.fromArray(f, label, lo + 24)
        .mul(shiftV.sub(FloatVector.fromArray(f, pred, po + 24)).add(logSumV));
    FloatVector v7 = FloatVector.fromArray(f, label, lo + 28)
        .mul(shiftV.sub(FloatVector.fromArray(f, pred, po + 28)).add(logSumV));
    FloatVector v8 = FloatVector.fromArray(f, label, lo + 32)
        .mul(shiftV.sub(FloatVector.fromArray(f, pred, po + 32)).add(logSumV));
    FloatVector v9 = FloatVector.fromArray(f, label, lo + 36)
        .mul(shiftV.sub(FloatVector.fromArray(f, pred, po + 36)).add(logSumV));
    FloatVector v10 = FloatVector.fromArray(f, label, lo + 40)
        .mul(shiftV.sub(FloatVector.fromArray(f, pred, po + 40)).add(logSumV));
    FloatVector v11 = FloatVector.fromArray(f, label, lo + 44)
        .mul(shiftV.sub(FloatVector.fromArray(f, pred, po + 44)).add(logSumV));
    FloatVector v12 = FloatVector.fromArray(f, label, lo + 48)
        .mul(shiftV.sub(FloatVector.fromArray(f, pred, po + 48)).add(logSumV));
    FloatVector v13 = FloatVector.fromArray(f, label, lo + 52)
        .mul(shiftV.sub(FloatVector.fromArray(f, pred, po + 52)).add(logSumV));
    FloatVector v14 = FloatVector.fromArray(f, label, lo + 56)
        .mul(shiftV.sub(FloatVector.fromArray(f, pred, po + 56)).add(logSumV));
    FloatVector v15 = FloatVector.fromArray(f, label, lo + 60)
        .mul(shiftV.sub(FloatVector.fromArray(f, pred, po + 60)).add(logSumV));
    if (n >= 80) {
      v0 = v0.add(FloatVector.fromArray(f, label, lo + 64)
          .mul(shiftV.sub(FloatVector.fromArray(f, pred, po + 64)).add(logSumV)));
      v1 = v1.add(FloatVector.fromArray(f, label, lo + 68)
          .mul(shiftV.sub(FloatVector.fromArray(f, pred, po + 68)).add(logSumV)));
      v2 = v2.add(FloatVector.fromArray(f, label, lo + 72)
          .mul(shiftV.sub(FloatVector.fromArray(f, pred, po + 72)).add(logSumV)));
      v3 = v3.add(FloatVector.fromArray(f, label, lo + 76)
          .mul(shiftV.sub(FloatVector.fromArray(f, pred, po + 76)).add(logSumV)));
      if (n >= 96) {
        v4 = v4.add(FloatVector.fromArray(f, label, lo + 80)
            .mul(shiftV.sub(FloatVector.fromArray(f, pred, po + 80)).add(logSumV)));
        v5 = v5.add(FloatVector.fromArray(f, label, lo + 84)
            .mul(shiftV.sub(FloatVector.fromArray(f, pred, po + 84)).add(logSumV)));
        v6 = v6.add(FloatVector.fromArray(f, label, lo + 88)
            .mul(shiftV.sub(FloatVector.fromArray(f, pred, po + 88)).add(logSumV)));
        v7 = v7.add(FloatVector.fromArray(f, label, lo + 92)
            .mul(shiftV.sub(FloatVector.fromArray(f, pred, po + 92)).add(logSumV)));
        if (n >= 112) {
          v8 = v8.add(FloatVector.fromArray(f, label, lo + 96)
              .mul(shiftV.sub(FloatVector.fromArray(f, pred, po + 96)).add(logSumV)));
          v9 = v9.add(FloatVector.fromArray(f, label, lo + 100)
              .mul(shiftV.sub(FloatVector.fromArray(f, pred, po + 100)).add(logSumV)));
          v10 = v10.add(FloatVector.fromArray(f, label, lo + 104)
              .mul(shiftV.sub(FloatVector.fromArray(f, pred, po + 104)).add(logSumV)));
          v11 = v11.add(FloatVector.fromArray(f, label, lo + 108)
              .mul(shiftV.sub(FloatVector.fromArray(f, pred, po + 108)).add(logSumV)));
        }
      }
    }
    // the halving fold of the 16 vectors (logical lanes [4k, 4k + 4) in vector k), as in the block kernels
    v0 = v0.add(v8);
    v1 = v1.add(v9);
    v2 = v2.add(v10);
    v3 = v3.add(v11);
    v4 = v4.add(v12);
    v5 = v5.add(v13);
    v6 = v6.add(v14);
    v7 = v7.add(v15);
    v0 = v0.add(v4);
    v1 = v1.add(v5);
    v2 = v2.add(v6);
    v3 = v3.add(v7);
    v0 = v0.add(v2);
    v1 = v1.add(v3);
    v0 = v0.add(v1);
    float s = ((v0.lane(0) + v0.lane(2)) + (v0.lane(1) + v0.lane(3))) + 0f;
    return Reductions16.crossEntropyFrom(s, label, lo, pred, po, shift, logSum, n & -16, n);
  }
}
