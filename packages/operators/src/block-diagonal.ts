/**
 * `blockDiagonal([A, B, …])`: diag(A, B, …) without materializing.
 *
 * @module
 */
import { BaseOperator, checkOperator, type LinearOperator } from "./operator.js";
import { applyInto, applyTransposeInto, hasTranspose } from "./operand.js";
import type { Vec } from "./vec.js";
import { view1 } from "./view.js";

/**
 * diag(B₀, B₁, …): block i maps the slice of x at its column offset to the slice of out at
 * its row offset. The slices are views whose `data` and `offset` are re-pointed on each call,
 * so nothing is allocated per apply.
 */
export class BlockDiagonalOperator extends BaseOperator {
  /** The diagonal blocks, top left first. */
  readonly blocks: readonly LinearOperator[];
  private readonly rowStart: Int32Array;
  private readonly colStart: Int32Array;
  private readonly rowViews: Vec[];
  private readonly colViews: Vec[];

  /** @internal use `blockDiagonal(blocks)` */
  constructor(blocks: readonly LinearOperator[]) {
    const rowStart = new Int32Array(blocks.length + 1);
    const colStart = new Int32Array(blocks.length + 1);
    blocks.forEach((B, i) => {
      rowStart[i + 1] = (rowStart[i] as number) + B.shape[0];
      colStart[i + 1] = (colStart[i] as number) + B.shape[1];
    });
    super(
      "blockDiagonal",
      rowStart[blocks.length] as number,
      colStart[blocks.length] as number,
      blocks.every((B) => B.symmetric === true),
      blocks.every(hasTranspose),
    );
    this.blocks = blocks;
    this.rowStart = rowStart;
    this.colStart = colStart;
    const empty = new Float64Array(0);
    this.rowViews = blocks.map((B) => view1(empty, B.shape[0]));
    this.colViews = blocks.map((B) => view1(empty, B.shape[1]));
  }

  protected _apply(x: Vec, out: Vec): void {
    this.each(x, out, this.colViews, this.colStart, this.rowViews, this.rowStart, false);
  }

  protected override _applyTranspose(x: Vec, out: Vec): void {
    this.each(x, out, this.rowViews, this.rowStart, this.colViews, this.colStart, true);
  }

  /** out[outStart_i …] = Bᵢ x[inStart_i …] (or Bᵢᵀ) for every block i. */
  private each(
    x: Vec,
    out: Vec,
    inViews: Vec[],
    inStart: Int32Array,
    outViews: Vec[],
    outStart: Int32Array,
    transposed: boolean,
  ): void {
    const blocks = this.blocks;
    for (let i = 0; i < blocks.length; i++) {
      const xi = inViews[i] as Vec;
      const oi = outViews[i] as Vec;
      xi.data = x.data;
      xi.offset = x.offset + (inStart[i] as number);
      oi.data = out.data;
      oi.offset = out.offset + (outStart[i] as number);
      if (transposed) applyTransposeInto(blocks[i] as LinearOperator, xi, oi);
      else applyInto(blocks[i] as LinearOperator, xi, oi);
    }
  }
}

/**
 * The block-diagonal operator diag(B₀, B₁, …), of shape (Σ rows) × (Σ cols). Blocks may be
 * rectangular. Symmetric when every block is.
 *
 * @param blocks - a non-empty array of operators
 * @example blockDiagonal([identity(2), diagonal([5])]).apply(vec([1, 2, 3])) // [1, 2, 15]
 */
export function blockDiagonal(blocks: readonly LinearOperator[]): LinearOperator {
  if (!Array.isArray(blocks) || blocks.length === 0) {
    throw new TypeError("blockDiagonal: blocks must be a non-empty array of operators");
  }
  blocks.forEach((B, i) => checkOperator("blockDiagonal", `blocks[${i}]`, B));
  return new BlockDiagonalOperator([...blocks]);
}
