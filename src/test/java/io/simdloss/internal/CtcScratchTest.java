package io.simdloss.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.simdloss.CTCLoss;
import io.simdloss.Tensor;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The CTC recursion reuses a per-thread scratch (alpha rows, the gradient's lattice, emissions, terms) that it
 * writes only where it needs to: alpha only where the end can still be reached, beta only where the start
 * reaches, the passes only over the cells of a step, rounded up to a multiple of {@link CtcRecursion#PAD} (the
 * extra cells write and read values nobody should use, in the slack of the buffers and in later lattice rows). If
 * a real cell read a value the call had not written, the result would depend on what the buffers held before.
 * So: compute every case once, fill every double buffer of this thread's scratch with NaN, compute it again, and
 * require the same bits, for extended labels of every length from 1 to 2 * 20 + 1 (every residue modulo the pad
 * and the lane counts), repeated labels, frames to spare or none, and both layouts.
 */
class CtcScratchTest {

  private static void poison(CtcRecursion.Scratch s) {
    for (double[] a : new double[][] {s.lse, s.alphaA, s.alphaB, s.emit, s.skipAllowed, s.terms, s.lattice,
        s.occupancy}) {
      Arrays.fill(a, Double.NaN);
    }
    Arrays.fill(s.shift, Float.NaN);
    Arrays.fill(s.logSum, Float.NaN);
  }

  @Test
  void aCallNeverReadsWhatItDidNotWrite() {
    SplittableRandom r = new SplittableRandom(1111);
    int classes = 5;
    int checked = 0;
    for (int labelLength = 0; labelLength <= 20; labelLength++) {
      for (int spare : new int[] {0, 1, 7, 30}) {
        for (boolean ntc : new boolean[] {true, false}) {
          int samples = 2;
          float[] labels = new float[samples * labelLength];
          for (int i = 0; i < labels.length; i++) {
            labels[i] = r.nextInt(4) == 0 && i % Math.max(1, labelLength) > 0 ? labels[i - 1] : r.nextInt(classes - 1);
          }
          long required = 0;
          for (int n = 0; n < samples; n++) {
            required = Math.max(required,
                CtcRecursion.requiredFrames(labels, n * labelLength, 1, labelLength));
          }
          int frames = (int) required + spare;
          float[] x = new float[samples * frames * classes];
          for (int i = 0; i < x.length; i++) {
            x[i] = (float) (r.nextGaussian() * 3);
          }
          Tensor pred = ntc ? Tensor.of(x, samples, frames, classes) : Tensor.of(x, frames, samples, classes);
          Tensor label = Tensor.of(labels, samples, labelLength);
          CTCLoss ctc = CTCLoss.builder().layout(ntc ? "NTC" : "TNC").build();

          float[] loss = ctc.forward(pred, label, null, null, null);
          float[] lossFb = new float[samples];
          float[] grad = new float[x.length];
          ctc.forwardBackward(pred, label, null, null, null, lossFb, grad);

          CtcRecursion.Scratch scratch = CtcRecursion.Scratch.get();
          scratch.ensureGradient(frames, 2 * labelLength + 1, classes);
          poison(scratch);
          float[] again = ctc.forward(pred, label, null, null, null);
          poison(scratch);
          float[] lossAgain = new float[samples];
          float[] gradAgain = new float[x.length];
          ctc.forwardBackward(pred, label, null, null, null, lossAgain, gradAgain);

          String what = "L=" + labelLength + " T=" + frames + (ntc ? " NTC" : " TNC");
          assertEquals(Arrays.toString(loss), Arrays.toString(again), "forward, " + what);
          assertEquals(Arrays.toString(lossFb), Arrays.toString(lossAgain), "forwardBackward loss, " + what);
          for (int i = 0; i < grad.length; i++) {
            assertEquals(Float.floatToRawIntBits(grad[i]), Float.floatToRawIntBits(gradAgain[i]),
                "forwardBackward grad[" + i + "], " + what);
          }
          checked++;
        }
      }
    }
    assertEquals(21 * 4 * 2, checked);
  }
}
