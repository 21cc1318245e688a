/**
 * The compressed sparse row (CSR) matrix operator, built from triplets.
 *
 * Storage (Saad, *Iterative Methods for Sparse Linear Systems*, 2nd ed., 2003, §3.4): row i
 * holds the entries `values[k]` in columns `colIndices[k]` for `rowPointers[i] ≤ k <
 * rowPointers[i+1]`, columns ascending, no duplicates. `apply` is the row-wise dot-product
 * loop, `applyTranspose` the scatter loop over the same arrays, so the transpose needs no
 * copy (`transpose(A)` of a CSR matrix is a view that applies by scatter).
 *
 * Both products run in WebAssembly (./csr-wasm.ts, kernels in csr.wat) for matrices of at
 * least {@link CsrOperator.wasmMinNnz} entries: the arrays then live in a WebAssembly memory of
 * the operator's own from construction on, so they stay the operator's only storage (writing
 * into `values` changes the next product on either backend). The kernels add in the order of
 * the JavaScript loops below, so both backends give the same bits.
 *
 * @module
 */
import { BaseOperator, checkShape } from "./operator.js";
import { checkOptions, type OptionKeys } from "./options.js";
import {
  csrWasmEnabled, DEFAULT_MIN_NNZ, HOST_WORKSPACE, hostedOffset, hostRegion, placeCsr, setCsrWasm, splitNow, splits, spmvSplit, timedProduct,
  type CsrWasm, type HostedRegion,
} from "./csr-wasm.js";
import type { Vec } from "./vec.js";

/**
 * A sparse m×n matrix in compressed sparse row storage, as an operator.
 *
 * Backends: with at least {@link CsrOperator.wasmMinNnz} stored entries (default 1,024) the
 * three arrays are views into a `WebAssembly.Memory` created for this operator at construction
 * (sized for the matrix plus one input and one output vector, never grown, at most 1 GiB), and
 * `apply`/`applyTranspose` copy x in, run the WebAssembly loop and copy the result out: 2.6×
 * the JavaScript loop's speed on a 1.3M-entry Poisson matrix, 3.8× on 494_bus (bench/csr.bench.ts).
 * The results are bit-identical to the JavaScript loops (same order of additions per row).
 * Smaller or larger matrices, runtimes without WebAssembly, and the environment variable
 * `KRYLOV_TS_NO_SIMD=1` keep plain arrays and the JavaScript loops; {@link CsrOperator.setWasm}
 * switches at run time. A placed operator's arrays share one `WebAssembly.Memory` buffer, which
 * cannot be transferred to a worker (copy them, e.g. `values.slice()`).
 *
 * A matrix in a shared memory (at least 65,536 entries, where the worker pool runs) also hosts
 * the workspaces of `cg`, `minres`, `gmres`, `bicgstab` and `idrs` (@krylov-ts/krylov) past its arrays (the
 * memory grows for them, up to 1 GiB, and reuses a finished solve's region): their products
 * then read x and write y in place, with no copy.
 */
export class CsrOperator extends BaseOperator {
  /** Length m+1: row i occupies `[rowPointers[i], rowPointers[i+1])`. */
  readonly rowPointers: Int32Array;
  /** Column of each stored entry, ascending within a row. */
  readonly colIndices: Int32Array;
  /**
   * Value of each stored entry. The operator's own storage on either backend: entries written
   * here take part in the next product (the pattern, `rowPointers` and `colIndices`, must not
   * be changed, and the values of an operator built `symmetric` must stay symmetric: the flag is
   * decided at construction, and `applyTranspose` of a symmetric operator runs `apply`).
   */
  readonly values: Float64Array;
  /** The WebAssembly placement of the arrays, when the matrix was large enough. */
  private readonly wasm: CsrWasm | undefined;

  /**
   * Switches the WebAssembly backend of every CSR operator (the tests run both): `false` runs
   * every product in JavaScript; `true` (ignored where WebAssembly is unavailable) runs the
   * products of operators placed in WebAssembly memory there, and places operators created from
   * now on with at least `minimumNnz` stored entries (default 1,024). Returns the previous
   * on/off setting.
   */
  static setWasm(on: boolean, minimumNnz = DEFAULT_MIN_NNZ): boolean {
    return setCsrWasm(on, minimumNnz);
  }

  /** Fewest stored entries for which `csr` places a matrix in WebAssembly memory by default. */
  static readonly wasmMinNnz = DEFAULT_MIN_NNZ;

  /** @internal use `csr(...)` */
  constructor(
    rowPointers: Int32Array,
    colIndices: Int32Array,
    values: Float64Array,
    rows: number,
    cols: number,
    symmetric: boolean,
  ) {
    super("csr", rows, cols, symmetric, true);
    this.wasm = placeCsr(rowPointers, colIndices, values, rows, cols);
    this.rowPointers = this.wasm?.rowPointers ?? rowPointers;
    this.colIndices = this.wasm?.colIndices ?? colIndices;
    this.values = this.wasm?.values ?? values;
  }

  /** Which loop the next product runs: `"wasm"` or `"js"`. */
  get backend(): "wasm" | "js" {
    return this.wasm !== undefined && csrWasmEnabled() ? "wasm" : "js";
  }

  /** The number of stored entries (explicit zeros included, duplicates merged). */
  get nnz(): number {
    return this.values.length;
  }

  /** Entry (i, j), 0 when it is not stored. */
  get(i: number, j: number): number {
    const k = findInRow(this.rowPointers, this.colIndices, i, j);
    return k < 0 ? 0 : (this.values[k] as number);
  }

  /** The diagonal entries (length min(m, n)), e.g. for a Jacobi preconditioner. */
  getDiagonal(): Float64Array {
    const d = new Float64Array(Math.min(this.shape[0], this.shape[1]));
    for (let i = 0; i < d.length; i++) d[i] = this.get(i, i);
    return d;
  }

  /**
   * Lends a region of this operator's WebAssembly memory to a solver's workspace (@internal: the
   * solvers of @krylov-ts/krylov place their vectors there when the memory is shared, so that
   * `apply` reads x and writes y in place instead of copying them through its slots).
   */
  [HOST_WORKSPACE](bytes: number): HostedRegion | undefined {
    return this.wasm !== undefined && csrWasmEnabled() ? hostRegion(this.wasm, bytes) : undefined;
  }

  /** out = A x: one sparse dot product per row. */
  protected _apply(x: Vec, out: Vec): void {
    const w = this.wasm;
    if (w !== undefined && csrWasmEnabled()) {
      const [m, n] = this.shape;
      // x and out in a workspace this memory hosts are read and written in place (unless they overlap).
      let xAt = hostedOffset(w, x.data, x.offset, n);
      let yAt = hostedOffset(w, out.data, out.offset, m);
      if (xAt >= 0 && yAt >= 0 && xAt < yAt + 8 * m && yAt < xAt + 8 * n) yAt = -1;
      if (xAt < 0) {
        copyIn(x, w.xA);
        xAt = w.x;
      }
      const y = yAt < 0 ? w.y : yAt;
      if (splits(w)) {
        // One thread or two, whichever has been faster for this matrix (the same bits either way).
        const split = splitNow(w);
        const t0 = performance.now();
        if (split) spmvSplit(w, m, xAt, y);
        else w.kernels.spmv(w.rp, w.ci, w.v, xAt, y, m);
        timedProduct(w, split, performance.now() - t0);
      } else {
        w.kernels.spmv(w.rp, w.ci, w.v, xAt, y, m);
      }
      if (yAt < 0) out.data.set(w.yA, out.offset);
      return;
    }
    const m = this.shape[0];
    const rp = this.rowPointers;
    const ci = this.colIndices;
    const v = this.values;
    const xd = x.data;
    const od = out.data;
    const xo = x.offset;
    const oo = out.offset;
    if (xo === 0) {
      // Fast path: x starts its buffer, no offset to add per entry.
      let k = rp[0] as number;
      for (let i = 0; i < m; i++) {
        const end = rp[i + 1] as number;
        let s = 0;
        for (; k < end; k++) s += (v[k] as number) * (xd[ci[k] as number] as number);
        od[oo + i] = s;
      }
      return;
    }
    let k = rp[0] as number;
    for (let i = 0; i < m; i++) {
      const end = rp[i + 1] as number;
      let s = 0;
      for (; k < end; k++) s += (v[k] as number) * (xd[xo + (ci[k] as number)] as number);
      od[oo + i] = s;
    }
  }

  /** out = Aᵀ x: each row i scatters xᵢ·A(i, :) into out. */
  protected override _applyTranspose(x: Vec, out: Vec): void {
    const [m, n] = this.shape;
    const rp = this.rowPointers;
    const ci = this.colIndices;
    const v = this.values;
    const xd = x.data;
    const od = out.data;
    const xo = x.offset;
    const oo = out.offset;
    const w = this.wasm;
    if (w !== undefined && csrWasmEnabled()) {
      copyIn(x, w.xT);
      w.yT.fill(0);
      w.kernels.spmvT(w.rp, w.ci, w.v, w.x, w.y, m);
      od.set(w.yT, oo);
      return;
    }
    od.fill(0, oo, oo + n);
    for (let i = 0; i < m; i++) {
      const xi = xd[xo + i] as number;
      const end = rp[i + 1] as number;
      for (let k = rp[i] as number; k < end; k++) {
        const o = oo + (ci[k] as number);
        od[o] = (od[o] as number) + (v[k] as number) * xi;
      }
    }
  }
}

/** Copies the contiguous vector x into `slot` (of x's length) without allocating. */
function copyIn(x: Vec, slot: Float64Array): void {
  const xd = x.data;
  if (x.offset === 0 && xd.length === slot.length) {
    slot.set(xd);
    return;
  }
  const xo = x.offset;
  for (let i = 0; i < slot.length; i++) slot[i] = xd[xo + i] as number;
}

/** Options of `csr`. */
export interface CsrOptions {
  /**
   * Promise that the matrix is symmetric. Default: detected exactly (every stored A(i, j)
   * equals A(j, i), a missing entry counting as 0) for square matrices.
   */
  symmetric?: boolean;
}

const CSR_OPTIONS = { symmetric: true } as const satisfies OptionKeys<CsrOptions>;

/**
 * A sparse matrix from triplets: entry (rows[k], cols[k]) is values[k], indices 0-based.
 * Duplicate (i, j) pairs are summed; explicit zeros are kept as stored entries. The inputs
 * are copied, never modified: the operator's `rowPointers`, `colIndices` and `values` are its
 * own arrays (in WebAssembly memory for matrices of at least {@link CsrOperator.wasmMinNnz}
 * entries, see {@link CsrOperator}).
 *
 * @param rows - row index of each entry, in 0…m−1
 * @param cols - column index of each entry, in 0…n−1
 * @param values - value of each entry
 * @param shape - [m, n]
 * @throws RangeError when the arrays differ in length or an index lies outside the shape
 * @example csr([0, 1, 1], [0, 0, 1], [2, 1, 3], [2, 2]).apply(vec([1, 1])) // [2, 4]
 */
export function csr(
  rows: ArrayLike<number>,
  cols: ArrayLike<number>,
  values: ArrayLike<number>,
  shape: readonly [number, number],
  options: CsrOptions = {},
): CsrOperator {
  const [m, n] = checkShape("csr", shape);
  checkOptions("csr", options, CSR_OPTIONS);
  for (const [name, a] of [["rows", rows], ["cols", cols], ["values", values]] as const) {
    if (a === null || typeof a !== "object" || typeof a.length !== "number") {
      throw new TypeError(`csr: ${name} must be an array of numbers`);
    }
  }
  const nnz = rows.length;
  if (cols.length !== nnz) throw new RangeError(`csr: cols has length ${cols.length} but rows has length ${nnz}`);
  if (values.length !== nnz) {
    throw new RangeError(`csr: values has length ${values.length} but rows has length ${nnz}`);
  }
  for (let k = 0; k < nnz; k++) {
    checkIndex(rows[k], k, "rows", m, shape);
    checkIndex(cols[k], k, "cols", n, shape);
    if (typeof values[k] !== "number") throw new TypeError(`csr: values[${k}] is ${typeof values[k]}, not a number`);
  }
  const A = fromTriplets(rows, cols, values, m, n);
  const symmetric = options.symmetric ?? (m === n && isSymmetricCsr(A.rowPointers, A.colIndices, A.values, m));
  if (symmetric && m !== n) throw new RangeError(`csr: symmetric was promised but the matrix is ${m}×${n}`);
  return new CsrOperator(A.rowPointers, A.colIndices, A.values, m, n, symmetric);
}

function checkIndex(i: number | undefined, k: number, name: string, size: number, shape: readonly number[]): void {
  if (typeof i !== "number" || !Number.isInteger(i) || i < 0 || i >= size) {
    throw new RangeError(
      `csr: ${name}[${k}] = ${String(i)} is out of range for a ${shape[0]}×${shape[1]} matrix ` +
        `(${name} must be integers in 0…${size - 1})`,
    );
  }
}

/**
 * Sorts triplets into CSR by two counting sorts (by column, then stably by row, so each row
 * comes out with ascending columns), then merges duplicates by summing: O(nnz + m + n).
 */
function fromTriplets(
  rows: ArrayLike<number>,
  cols: ArrayLike<number>,
  values: ArrayLike<number>,
  m: number,
  n: number,
): { rowPointers: Int32Array; colIndices: Int32Array; values: Float64Array } {
  const nnz = rows.length;
  // Pass 1: order of the entries by column.
  const colStart = new Int32Array(n + 1);
  for (let k = 0; k < nnz; k++) {
    const j = (cols[k] as number) + 1;
    colStart[j] = (colStart[j] as number) + 1;
  }
  for (let j = 0; j < n; j++) colStart[j + 1] = (colStart[j + 1] as number) + (colStart[j] as number);
  const byCol = new Int32Array(nnz);
  for (let k = 0; k < nnz; k++) {
    const j = cols[k] as number;
    byCol[colStart[j] as number] = k;
    colStart[j] = (colStart[j] as number) + 1;
  }
  // Pass 2: stable by row, visiting entries in column order.
  const rowPointers = new Int32Array(m + 1);
  for (let k = 0; k < nnz; k++) {
    const i = (rows[k] as number) + 1;
    rowPointers[i] = (rowPointers[i] as number) + 1;
  }
  for (let i = 0; i < m; i++) rowPointers[i + 1] = (rowPointers[i + 1] as number) + (rowPointers[i] as number);
  const next = rowPointers.slice(0, m);
  const ci = new Int32Array(nnz);
  const v = new Float64Array(nnz);
  for (let t = 0; t < nnz; t++) {
    const k = byCol[t] as number;
    const i = rows[k] as number;
    const p = next[i] as number;
    ci[p] = cols[k] as number;
    v[p] = values[k] as number;
    next[i] = p + 1;
  }
  // Merge duplicates (adjacent after sorting) by summing, compacting in place.
  let w = 0;
  let start = 0;
  for (let i = 0; i < m; i++) {
    const end = rowPointers[i + 1] as number;
    for (let k = start; k < end; k++) {
      if (k > start && w > (rowPointers[i] as number) && ci[w - 1] === ci[k]) {
        v[w - 1] = (v[w - 1] as number) + (v[k] as number);
      } else {
        ci[w] = ci[k] as number;
        v[w] = v[k] as number;
        w++;
      }
    }
    start = end;
    rowPointers[i + 1] = w;
  }
  return {
    rowPointers,
    colIndices: w === nnz ? ci : ci.slice(0, w),
    values: w === nnz ? v : v.slice(0, w),
  };
}

/** Position of (i, j) in CSR storage by binary search within row i, or −1. */
function findInRow(rp: Int32Array, ci: Int32Array, i: number, j: number): number {
  let lo = rp[i] as number;
  let hi = (rp[i + 1] as number) - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const c = ci[mid] as number;
    if (c === j) return mid;
    if (c < j) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/** Exact symmetry: A(i, j) = A(j, i) for every stored entry (missing entries are 0). */
function isSymmetricCsr(rp: Int32Array, ci: Int32Array, v: Float64Array, n: number): boolean {
  for (let i = 0; i < n; i++) {
    const end = rp[i + 1] as number;
    for (let k = rp[i] as number; k < end; k++) {
      const j = ci[k] as number;
      if (j === i) continue;
      const t = findInRow(rp, ci, j, i);
      const mirror = t < 0 ? 0 : (v[t] as number);
      if (mirror !== v[k]) return false;
    }
  }
  return true;
}
