#!/usr/bin/env python3
"""Generates PanamaMapSum.java: the fused map-and-sum kernels, one per PointwiseOp (Lucene's gen_ForUtil.py
practice: a committed generator beside its committed output; the build does not need Python).

Run from the repository root after changing a term or the fold below:
  python3 src/main/java/io/simdloss/internal/vector/gen_PanamaMapSum.py

Why generated, and why the term is pasted at each use rather than called: a vector-returning helper is only
free when C2 inlines it. A shared helper with a switch over the ops (or one helper per op holding its gradient
branch) is called once per vector, so C2 compiles it on its own first; its machine code then exceeds
InlineSmallCode (2500 bytes), C2 refuses to inline it into the kernel ("already compiled into a big method"),
calls it and boxes every vector: L2 64x1024 ran 4x slower with the switch, Huber and hinge forwardBackward 3-4x
slower with per-op helpers (JMH GradientCost, JDK 17). Pasted code has nothing to refuse. The same holds for the
small vector helpers of PanamaLossKernels (relu, sign, reluGate, unitWithSignOf), so their bodies are pasted too:
inside the `if (grad != null)` branch a call site can count as infrequent (when forward calls dominated the
profile), and C2 then refuses any callee whose standalone code exceeds InlineSmallCode / 4 ("already compiled into
a medium method"); session 12 saw JDK 25 box a vector per iteration of L1's forwardBackward that way.

The loop: 64 logical lanes as four groups of 16 (one, two or four vectors); 16-element chunk k of the range goes
to group k % 4 (the canonical order: element i < n - n % 16 to lane i % 64). The group that takes the next
chunk is kept in front (acc0 ..) by rotating the groups after each chunk, so each chunk's term is written once
per width, not once per accumulator. The window (the last n % 16 elements, see PanamaLossKernels' class comment)
then goes onto the group in front, as masked adds of the 16 elements ending at n: the term is written once more
for it, rather than adding a mask to every chunk of the loop. The halving fold that follows (FOLD below) is the
one of PanamaLossKernels' kernels: it
pairs lane j with lane j + h, and a rotation by whole groups only swaps the operands of some of its additions
(a + b for b + a, the same bits) and moves whole pairs, so the fold needs no rotating back.
"""
import pathlib
import re

HERE = pathlib.Path(__file__).resolve().parent
TARGET = HERE / "PanamaMapSum.java"

# name, PointwiseOp constant, loop-invariant set-up, term (x and y are the operands' vectors; u the broadcast
# upstream factor; grad may be null, its vector goes to grad[gi ..]; 'return E;' is the term). The operations
# are exactly those of the op's map and ...WithGradient kernels in PanamaLossKernels, so the bits are theirs.
OPS = [
    # (up + up) * diff, formed once per call: ScalarLossKernels.squaredErrorWithGradient's association
    ("squaredError", "SQUARED_ERROR", """\
FloatVector twoU = FloatVector.broadcast(FLOATS, up + up);
""", """\
FloatVector diff = x.sub(y);
if (grad != null) {
  twoU.mul(diff).intoArray(grad, gi);
}
return diff.mul(diff);"""),
    ("absoluteError", "ABSOLUTE_ERROR", "", """\
FloatVector diff = x.sub(y);
FloatVector abs = diff.abs();
if (grad != null) {
  // PanamaLossKernels.sign(diff, abs), written out
  FloatVector unit = diff.viewAsIntegralLanes().and(0x8000_0000).or(0x3f80_0000).viewAsFloatingLanes();
  u.mul(diff.blend(unit, abs.compare(VectorOperators.GT, 0f))).intoArray(grad, gi);
}
return abs;"""),
    # unitWithSignOf is sign where |diff| > c >= 0 (HuberLoss takes rho >= Float.MIN_NORMAL)
    ("huber", "HUBER", """\
float halfRho = 0.5f * c;
float halfInvRho = 0.5f / c;
float invRho = 2f * halfInvRho;
""", """\
FloatVector diff = x.sub(y);
FloatVector abs = diff.abs();
VectorMask<Float> linear = abs.compare(VectorOperators.GT, c);
if (grad != null) {
  // PanamaLossKernels.unitWithSignOf(diff), written out
  FloatVector unit = diff.viewAsIntegralLanes().and(0x8000_0000).or(0x3f80_0000).viewAsFloatingLanes();
  u.mul(diff.mul(invRho).blend(unit, linear)).intoArray(grad, gi);
}
return abs.mul(halfInvRho).mul(abs).blend(abs.sub(halfRho), linear);"""),
    # -up once per call instead of -y per vector (see PanamaLossKernels.negatedFactor)
    ("hinge", "HINGE", """\
FloatVector negU = FloatVector.broadcast(FLOATS, negatedFactor(up));
""", """\
FloatVector h = x.mul(y).neg().add(c);
FloatVector r = h.max(0f);
if (grad != null) {
  // PanamaLossKernels.reluGate(h, r, negU.mul(y)), written out
  FloatVector gate = r.viewAsIntegralLanes().and(0x7fc0_0000).viewAsFloatingLanes();
  gate.blend(negU.mul(y), h.compare(VectorOperators.GT, 0f)).intoArray(grad, gi);
}
return r;"""),
    ("squaredHinge", "SQUARED_HINGE", "", """\
FloatVector h = x.mul(y).neg().add(c).max(0f);
if (grad != null) {
  u.mul(h.add(h).mul(y).neg()).intoArray(grad, gi);
}
return h.mul(h);"""),
]


def indent(text, n):
    return "".join((" " * n + line if line.strip() else line) + "\n" for line in text.splitlines())


# The canonical halving fold over the 64 / LANES accumulators (PanamaLossKernels' class comment), every width's
# steps: the generator's own copy since session 21 (until then it copied PanamaLossKernels' fold text, whose 4-lane
# steps had moved to Reductions4 in session 19).
FOLD = """\
    // combine by halving (written out, see PanamaLossKernels' class comment)
    if (LANES == 4) {
      acc0 = acc0.add(acc8);
      acc1 = acc1.add(acc9);
      acc2 = acc2.add(acc10);
      acc3 = acc3.add(acc11);
      acc4 = acc4.add(acc12);
      acc5 = acc5.add(acc13);
      acc6 = acc6.add(acc14);
      acc7 = acc7.add(acc15);
    }
    if (LANES <= 8) {
      acc0 = acc0.add(acc4);
      acc1 = acc1.add(acc5);
      acc2 = acc2.add(acc6);
      acc3 = acc3.add(acc7);
    }
    acc0 = acc0.add(acc2);
    acc1 = acc1.add(acc3);
    acc0 = acc0.add(acc1);
    if (LANES == 16) {
      acc0 = acc0.add(acc0.rearrange(DOWN_8));
    }
    if (LANES >= 8) {
      acc0 = acc0.add(acc0.rearrange(DOWN_4));
    }
    return (acc0.lane(0) + acc0.lane(2)) + (acc0.lane(1) + acc0.lane(3)); // half = 2, then 1
"""


def term(body, offset, acc, mask=None):
    """The term of the vector at a[p + offset], added to acc (only in the lanes of mask, if given), as a block."""
    at = "p" if offset == "0" else "p + " + offset
    code = ("FloatVector x = FloatVector.fromArray(FLOATS, a, %s);\n"
            "FloatVector y = FloatVector.fromArray(FLOATS, b, %s + db);\n" % (at, at))
    if "grad" in body:
        code += "int gi = %s + dg;\n" % at
    lines = body.splitlines()
    assert lines[-1].startswith("return ") and lines[-1].endswith(";")
    added = lines[-1][len("return "):-1]
    if mask is None:
        code += "\n".join(lines[:-1]) + "\n" + "%s = %s.add(%s);" % (acc, acc, added)
    else:  # the mask in a local of its own, to keep the line short
        code += "\n".join(lines[:-1]) + "\n"
        code += "VectorMask<Float> m = %s;\n%s = %s.add(%s, m);" % (mask, acc, acc, added)
    return "{\n" + indent(code, 2) + "}"


def window_mask(offset):
    """The window vector at p + offset adds the lanes of the last rest = n % 16 elements (those below were counted)."""
    return "VectorMask.fromArray(FLOATS, WINDOW, rest + %s)" % offset


def kernel(name, const, setup, body, fold):
    rot16 = "FloatVector r = acc0;\nacc0 = acc1;\nacc1 = acc2;\nacc2 = acc3;\nacc3 = r;"
    rot8 = ("FloatVector r0 = acc0;\nFloatVector r1 = acc1;\n"
            + "".join("acc%d = acc%d;\n" % (i, i + 2) for i in range(6)) + "acc6 = r0;\nacc7 = r1;")
    rot_group8 = "FloatVector r0 = acc0;\nacc0 = acc1;\nacc1 = r0;"
    rot_group4 = "FloatVector r0 = acc0;\nacc0 = acc1;\nacc1 = acc2;\nacc2 = acc3;\nacc3 = r0;"
    rot4 = ("FloatVector r0 = acc0;\nFloatVector r1 = acc1;\nFloatVector r2 = acc2;\nFloatVector r3 = acc3;\n"
            + "".join("acc%d = acc%d;\n" % (i, i + 4) for i in range(12))
            + "acc12 = r0;\nacc13 = r1;\nacc14 = r2;\nacc15 = r3;")
    loop = (term(body, "0", "acc0") + "\n"
            + "if (LANES <= 8) {\n"
            + indent(term(body, "LANES", "acc1"), 2)
            + "  if (LANES == 4) {\n"
            + indent(term(body, "2 * LANES", "acc2"), 4)
            + indent(term(body, "3 * LANES", "acc3"), 4)
            + "  }\n}\n"
            + "// the next group to the front\n"
            + "if (LANES == 16) {\n" + indent(rot16, 2) + "} else if (LANES == 8) {\n" + indent(rot8, 2)
            + "} else {\n" + indent(rot4, 2) + "}")
    window = ("for (int k = 0; k < CHUNK; k += LANES) {\n"
              + indent(term(body, "k", "acc0", window_mask("k")), 2)
              + "  // the group's next vector to the front (after 16 / LANES steps every one is back in its place)\n"
              + "  if (LANES == 8) {\n" + indent(rot_group8, 4) + "  } else if (LANES == 4) {\n" + indent(rot_group4, 4)
              + "  }\n}\n")
    return """
  /** {@link LossKernels#mapSum} for {@link PointwiseOp#%(const)s}. */
  static float %(name)s(float c, float[] a, int ao, float[] b, int bo, int n, float up, float[] grad, int g) {
    if (n < CHUNK || !CANONICAL) {
      return TAIL.mapSum(PointwiseOp.%(const)s, c, a, ao, b, bo, n, up, grad, g);
    }
%(setup)s%(u)s    int db = bo - ao;
    int dg = g - ao;
    FloatVector acc0 = FloatVector.zero(FLOATS);
    FloatVector acc1 = acc0, acc2 = acc0, acc3 = acc0, acc4 = acc0, acc5 = acc0, acc6 = acc0, acc7 = acc0;
    FloatVector acc8 = acc0, acc9 = acc0, acc10 = acc0, acc11 = acc0, acc12 = acc0, acc13 = acc0, acc14 = acc0;
    FloatVector acc15 = acc0;
    int bound = n - n %% CHUNK;
    for (int i = 0; i < bound; i += CHUNK) {
      int p = ao + i;
%(loop)s    }
    if (bound != n) {
      // the window: the last n %% 16 elements, as lanes of the 16 ending at n, onto the group a next chunk would fill
      // (acc0 ..); the lanes below were counted above, and their gradients are written again (the same bits). A loop
      // over the group's vectors, so that the term is pasted once more, not 16 / LANES times: with two more copies
      // at 8 lanes the kernels of L1, hinge and squared hinge passed C2's node budget on JDK 17 and boxed their
      // vectors (AllocationTest, 256 bits, 432 bytes per call).
      int p = ao + n - CHUNK;
      int rest = n %% CHUNK;
%(window)s    }
%(fold)s  }
""" % dict(const=const, name=name, setup=indent(setup, 4), loop=indent(loop, 6), fold=fold, window=indent(window, 6),
                u="    FloatVector u = FloatVector.broadcast(FLOATS, up);\n" if re.search(r"\bu\.", body) else "")


def main():
    parts = [kernel(n, c, s, b, FOLD) for n, c, s, b in OPS]
    out = """// GENERATED by gen_PanamaMapSum.py (beside this file): do not edit; edit the generator and re-run it.
package io.simdloss.internal.vector;

import static io.simdloss.internal.vector.PanamaLossKernels.CANONICAL;
import static io.simdloss.internal.vector.PanamaLossKernels.CHUNK;
import static io.simdloss.internal.vector.PanamaLossKernels.DOWN_4;
import static io.simdloss.internal.vector.PanamaLossKernels.DOWN_8;
import static io.simdloss.internal.vector.PanamaLossKernels.TAIL;
import static io.simdloss.internal.vector.PanamaLossKernels.negatedFactor;
import static io.simdloss.internal.vector.PanamaVectorConstants.FLOATS;
import static io.simdloss.internal.vector.PanamaVectorConstants.LANES;
import static io.simdloss.internal.vector.PanamaVectorConstants.WINDOW;

import io.simdloss.internal.LossKernels;
import io.simdloss.internal.PointwiseOp;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * The fused map-and-sum kernels behind {@link PanamaLossKernels#mapSum}, one per {@link PointwiseOp}: the
 * op's elementwise loss, computed with the operations of its map and {@code ...WithGradient} kernels, added into
 * the 64 canonical lanes straight from the operands, so that the result is {@code sum(map(a, b))} bit for bit
 * and the gradient is the {@code ...WithGradient} kernel's with a constant upstream factor. How the loop keeps the
 * canonical order, and why the terms are written out: see the generator's docstring.
 */
final class PanamaMapSum {
  private PanamaMapSum() {}
""" + "".join(parts) + "}\n"
    TARGET.write_text(out)


if __name__ == "__main__":
    main()
