package io.simdloss.internal;

/** Shape arithmetic and the argument checks shared by every loss. Every failure names the argument. */
public final class Shapes {
  private Shapes() {}

  /** The product of the dimensions, rejecting negative dimensions and int overflow. */
  public static int size(String argument, int[] shape) {
    boolean empty = false;
    for (int d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException(argument + ": expected non-negative dimensions, got "
            + format(shape));
      }
      empty |= d == 0;
    }
    if (empty) {
      return 0; // numpy accepts (65536, 65536, 0): the product is 0, whatever the partial products
    }
    long size = 1;
    for (int d : shape) {
      size *= d;
      if (size > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(argument + ": expected at most " + Integer.MAX_VALUE
            + " elements, got a shape " + format(shape) + " whose product overflows int");
      }
    }
    return (int) size;
  }

  /** The product of {@code shape[from..to)}. Callers have validated the whole shape already. */
  public static int product(int[] shape, int from, int to) {
    int p = 1;
    for (int i = from; i < to; i++) {
      p *= shape[i];
    }
    return p;
  }

  /** Resolves a possibly negative axis against {@code rank}, numpy style. */
  public static int axis(String argument, int axis, int rank) {
    if (axis < -rank || axis >= rank) {
      throw new IllegalArgumentException(argument + ": expected an axis in [" + (-rank) + ", " + rank
          + ") for an input of rank " + rank + ", got " + axis);
    }
    return axis < 0 ? axis + rank : axis;
  }

  /** Rejects null for a required argument. */
  public static <T> T required(String argument, T value) {
    if (value == null) {
      throw new IllegalArgumentException(argument + ": expected a value, got null");
    }
    return value;
  }

  /** Checks that an output buffer exists and has the expected length. */
  public static float[] output(String argument, float[] out, int expectedLength) {
    if (out == null) {
      throw new IllegalArgumentException(argument + ": expected a float[" + expectedLength + "], got null");
    }
    if (out.length != expectedLength) {
      throw new IllegalArgumentException(argument + ": expected length " + expectedLength
          + ", got length " + out.length);
    }
    return out;
  }

  /** Formats a shape like numpy's tuple, e.g. {@code (2, 3)}. */
  public static String format(int[] shape) {
    StringBuilder s = new StringBuilder("(");
    for (int i = 0; i < shape.length; i++) {
      if (i > 0) {
        s.append(", ");
      }
      s.append(shape[i]);
    }
    if (shape.length == 1) {
      s.append(',');
    }
    return s.append(')').toString();
  }
}
