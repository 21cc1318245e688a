/**
 * Index helpers shared by the kernels: row-major strides, broadcast strides and the offsets of
 * a strided walk. They write into module-level scratch arrays that grow once and are reused, so
 * a kernel that calls them allocates nothing after its first call on the largest shape.
 *
 * @module
 */
import type { Shape } from "../graph.js";

const scratch: Int32Array[] = [new Int32Array(64), new Int32Array(64), new Int32Array(64)];
const strideScratch: Int32Array[] = [new Int32Array(16), new Int32Array(16), new Int32Array(16)];
let counter = new Int32Array(16);

/** The number of elements of a shape. */
export function numel(shape: Shape): number {
  let s = 1;
  for (const d of shape) s *= d;
  return s;
}

/** The product of `shape[from..to)`. */
export function prod(shape: Shape, from: number, to: number): number {
  let s = 1;
  for (let i = from; i < to; i++) s *= shape[i] as number;
  return s;
}

/**
 * The strides (in elements) with which an input of `inShape`, right-aligned to `outShape`, is
 * read while walking `outShape`: 0 on the axes it is broadcast along. Written into scratch
 * `slot`; the array is valid until the next call with the same slot.
 */
export function broadcastStrides(inShape: Shape, outShape: Shape, slot: number): Int32Array {
  const n = outShape.length;
  const s = strideBuffer(slot, n);
  let stride = 1;
  for (let d = n - 1; d >= 0; d--) {
    const k = d - (n - inShape.length);
    const dim = k >= 0 ? (inShape[k] as number) : 1;
    s[d] = dim === 1 ? 0 : stride;
    stride *= dim;
  }
  return s;
}

/** The row-major strides of `shape`, permuted or not, in scratch `slot`. */
export function rowMajorStrides(shape: Shape, slot: number): Int32Array {
  const n = shape.length;
  const s = strideBuffer(slot, n);
  let stride = 1;
  for (let d = n - 1; d >= 0; d--) {
    s[d] = stride;
    stride *= shape[d] as number;
  }
  return s;
}

/** A scratch stride array of length ≥ n for `slot` (the first n entries are meaningful). */
export function strideBuffer(slot: number, n: number): Int32Array {
  let s = strideScratch[slot] as Int32Array;
  if (s.length < n) {
    s = new Int32Array(2 * n);
    strideScratch[slot] = s;
  }
  return s;
}

/**
 * Offsets of a row-major walk over `shape`: `off[i] = base + Σ_d idx_d(i)·strides[d]`, for i in
 * [0, numel(shape)). Written into scratch `slot` (valid until the next call with that slot).
 */
export function stridedOffsets(shape: Shape, strides: ArrayLike<number>, slot: number, base = 0): Int32Array {
  const size = numel(shape);
  let off = scratch[slot] as Int32Array;
  if (off.length < size) {
    off = new Int32Array(Math.max(size, 2 * off.length));
    scratch[slot] = off;
  }
  const n = shape.length;
  if (n === 0) {
    off[0] = base;
    return off;
  }
  if (counter.length < n) counter = new Int32Array(2 * n);
  const idx = counter;
  idx.fill(0, 0, n);
  const last = n - 1;
  const lastDim = shape[last] as number;
  const lastStride = strides[last] as number;
  let o = base;
  for (let i = 0; i < size; ) {
    // Innermost axis as a plain loop, then carry into the outer axes.
    for (let j = 0; j < lastDim; j++) off[i++] = o + j * lastStride;
    for (let d = last - 1; d >= 0; d--) {
      idx[d] = (idx[d] as number) + 1;
      o += strides[d] as number;
      if ((idx[d] as number) < (shape[d] as number)) break;
      o -= (strides[d] as number) * (shape[d] as number);
      idx[d] = 0;
    }
  }
  return off;
}

/** How a binary elementwise kernel can read its two operands. */
export type BinaryLayout = "same" | "aScalar" | "bScalar" | "bTrailing" | "aTrailing" | "bLeading" | "aLeading" | "general";

/**
 * Classifies a broadcast: both operands the size of the output ("same"), one a single element,
 * one equal to the trailing axes of the output (a bias `[B, H] + [H]`, read at `i mod size`),
 * one equal to the leading axes followed by 1s (`[B, C] · [B, 1]`, read at `⌊i / (n/size)⌋`), or
 * anything else (a strided walk).
 */
export function binaryLayout(aShape: Shape, bShape: Shape, outShape: Shape): BinaryLayout {
  const na = numel(aShape);
  const nb = numel(bShape);
  const no = numel(outShape);
  if (na === no && nb === no) return "same";
  if (na === 1) return "aScalar";
  if (nb === 1) return "bScalar";
  if (na === no && isTrailing(bShape, outShape)) return "bTrailing";
  if (nb === no && isTrailing(aShape, outShape)) return "aTrailing";
  if (na === no && isLeading(bShape, outShape)) return "bLeading";
  if (nb === no && isLeading(aShape, outShape)) return "aLeading";
  return "general";
}

/** True when `shape` without leading 1s equals the trailing axes of `outShape`. */
function isTrailing(shape: Shape, outShape: Shape): boolean {
  let start = 0;
  while (start < shape.length && shape[start] === 1) start++;
  const k = shape.length - start;
  for (let i = 0; i < k; i++) {
    if (shape[start + i] !== outShape[outShape.length - k + i]) return false;
  }
  return true;
}

/** True when `shape`, right-aligned to `outShape`, agrees with it up to some axis and is 1 after. */
function isLeading(shape: Shape, outShape: Shape): boolean {
  const lead = outShape.length - shape.length;
  let k = shape.length;
  while (k > 0 && shape[k - 1] === 1) k--;
  for (let i = 0; i < k; i++) if (shape[i] !== outShape[lead + i]) return false;
  for (let i = 0; i < lead; i++) if (outShape[i] !== 1) return false;
  return true;
}

/**
 * A binary elementwise kernel with every layout, for ops that are not hot enough to inline
 * their own loops: `out[i] = f(a[·], b[·])` under broadcasting.
 */
export function binaryMap(
  a: Float64Array,
  aShape: Shape,
  b: Float64Array,
  bShape: Shape,
  out: Float64Array,
  outShape: Shape,
  f: (x: number, y: number) => number,
): void {
  const n = out.length;
  switch (binaryLayout(aShape, bShape, outShape)) {
    case "same":
      for (let i = 0; i < n; i++) out[i] = f(a[i] as number, b[i] as number);
      return;
    case "aScalar": {
      const x = a[0] as number;
      if (b.length === n) for (let i = 0; i < n; i++) out[i] = f(x, b[i] as number);
      else break;
      return;
    }
    case "bScalar": {
      const y = b[0] as number;
      if (a.length === n) for (let i = 0; i < n; i++) out[i] = f(a[i] as number, y);
      else break;
      return;
    }
    case "bTrailing": {
      const m = b.length;
      for (let i = 0; i < n; i++) out[i] = f(a[i] as number, b[i % m] as number);
      return;
    }
    case "aTrailing": {
      const m = a.length;
      for (let i = 0; i < n; i++) out[i] = f(a[i % m] as number, b[i] as number);
      return;
    }
    case "bLeading": {
      const rep = n / b.length;
      for (let i = 0; i < n; i++) out[i] = f(a[i] as number, b[Math.floor(i / rep)] as number);
      return;
    }
    case "aLeading": {
      const rep = n / a.length;
      for (let i = 0; i < n; i++) out[i] = f(a[Math.floor(i / rep)] as number, b[i] as number);
      return;
    }
    case "general":
      break;
  }
  const oa = stridedOffsets(outShape, broadcastStrides(aShape, outShape, 0), 0);
  const ob = stridedOffsets(outShape, broadcastStrides(bShape, outShape, 1), 1);
  for (let i = 0; i < n; i++) out[i] = f(a[oa[i] as number] as number, b[ob[i] as number] as number);
}
