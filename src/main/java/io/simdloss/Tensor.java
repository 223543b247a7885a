package io.simdloss;

import io.simdloss.internal.Shapes;
import java.util.Arrays;

/**
 * A row-major view of a {@code float[]} with a shape. No copy is made: the tensor reads the caller's array,
 * and the library never writes to it.
 *
 * <p>A tensor of rank 0 ({@code Tensor.of(new float[] {w})}) is a scalar. Dimensions may be 0.
 */
public final class Tensor {
  private final float[] data;
  private final int[] shape;

  private Tensor(float[] data, int[] shape) {
    this.data = data;
    this.shape = shape;
  }

  /**
   * Wraps {@code data} (not copied) as a tensor of the given shape.
   *
   * @throws IllegalArgumentException if data or shape is null, a dimension is negative, the product of the
   *     shape overflows an int, or it differs from {@code data.length}
   */
  public static Tensor of(float[] data, int... shape) {
    if (data == null) {
      throw new IllegalArgumentException("data: expected a float[], got null");
    }
    if (shape == null) {
      throw new IllegalArgumentException("shape: expected an int[] of dimensions, got null");
    }
    int[] copy = shape.clone();
    int size = Shapes.size("shape", copy);
    if (size != data.length) {
      throw new IllegalArgumentException("shape: expected dimensions whose product is data.length "
          + data.length + ", got " + Shapes.format(copy) + " (product " + size + ")");
    }
    return new Tensor(data, copy);
  }

  /** A rank-0 tensor holding one value. */
  public static Tensor scalar(float value) {
    return new Tensor(new float[] {value}, new int[0]);
  }

  /** A copy of the shape. */
  public int[] shape() {
    return shape.clone();
  }

  /** The number of dimensions. */
  public int rank() {
    return shape.length;
  }

  /**
   * The size of dimension {@code axis}; a negative axis counts from the end, as in numpy.
   *
   * @throws IllegalArgumentException if axis is not in [-rank, rank)
   */
  public int dim(int axis) {
    return shape[Shapes.axis("axis", axis, shape.length)];
  }

  /** The number of elements, {@code data().length}. */
  public int size() {
    return data.length;
  }

  /** The underlying array itself (not a copy). */
  public float[] data() {
    return data;
  }

  /** The shape without copying, for the library's own use. */
  int[] shapeView() {
    return shape;
  }

  @Override
  public String toString() {
    return "Tensor" + Arrays.toString(shape);
  }
}
