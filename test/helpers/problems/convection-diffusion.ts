/**
 * Convection–diffusion test problems: −Δu + w·∇u = f on the unit square (cube) with Dirichlet
 * boundary, first-order upwind differences for the convection term, scaled by h².
 *
 * The velocity is w = Pe·d with |d| = 1 (d = (1, 1)/√2 in 2-D, (1, 1, 1)/√3 in 3-D), so the
 * global Péclet number |w|·L/ν is `peclet` (L = 1, ν = 1). With h = 1/(N + 1) and cᵢ = h·wᵢ,
 * the row of grid point p reads (all wᵢ ≥ 0, so upwind means the backward neighbour):
 *
 *     (2·dim + Σ cᵢ)·u_p − Σᵢ (1 + cᵢ)·u_{p − eᵢ} − Σᵢ u_{p + eᵢ}
 *
 * The matrix is an M-matrix (diagonally dominant, non-positive off-diagonal), non-symmetric
 * as soon as Pe > 0, and increasingly non-normal as Pe·h grows. bench/scipy_nonsym.py builds
 * the same matrix from the same formula.
 */
import { csr, operator, type CsrOperator, type LinearOperator, type Vec } from "@krylov-ts/operators";

/** Options of the convection–diffusion generators. */
export interface ConvectionDiffusionOptions {
  /** Global Péclet number |w|·L/ν. Default 10. */
  peclet?: number;
}

/** The triplets (rows, cols, values) of the upwind convection–diffusion matrix on an N^dim grid. */
export function convectionDiffusionTriplets(N: number, dim: 2 | 3, peclet: number): { rows: Int32Array; cols: Int32Array; values: Float64Array; n: number } {
  const n = N ** dim;
  const h = 1 / (N + 1);
  const c = (peclet * h) / Math.sqrt(dim); // cᵢ = h·wᵢ, the same in every direction
  const strides = dim === 2 ? [N, 1] : [N * N, N, 1];
  const cap = n * (2 * dim + 1);
  const rows = new Int32Array(cap);
  const cols = new Int32Array(cap);
  const values = new Float64Array(cap);
  let k = 0;
  const coord = new Int32Array(dim);
  for (let p = 0; p < n; p++) {
    let rest = p;
    for (let d = 0; d < dim; d++) {
      const s = strides[d] as number;
      coord[d] = Math.floor(rest / s);
      rest -= (coord[d] as number) * s;
    }
    rows[k] = p;
    cols[k] = p;
    values[k++] = 2 * dim + dim * c;
    for (let d = 0; d < dim; d++) {
      const s = strides[d] as number;
      const i = coord[d] as number;
      if (i > 0) {
        rows[k] = p;
        cols[k] = p - s;
        values[k++] = -(1 + c); // diffusion + upwind convection from the backward neighbour
      }
      if (i < N - 1) {
        rows[k] = p;
        cols[k] = p + s;
        values[k++] = -1;
      }
    }
  }
  return { rows: rows.subarray(0, k), cols: cols.subarray(0, k), values: values.subarray(0, k), n };
}

/** The 2-D upwind convection–diffusion operator on an N×N grid (n = N²), as a CSR matrix. */
export function convectionDiffusion2d(N: number, options: ConvectionDiffusionOptions = {}): CsrOperator {
  const { rows, cols, values, n } = convectionDiffusionTriplets(N, 2, options.peclet ?? 10);
  return csr(rows, cols, values, [n, n]);
}

/** The 3-D upwind convection–diffusion operator on an N×N×N grid (n = N³), as a CSR matrix. */
export function convectionDiffusion3d(N: number, options: ConvectionDiffusionOptions = {}): CsrOperator {
  const { rows, cols, values, n } = convectionDiffusionTriplets(N, 3, options.peclet ?? 10);
  return csr(rows, cols, values, [n, n]);
}

/**
 * The same 2-D operator as {@link convectionDiffusion2d}, matrix-free as the Kronecker sum
 * T ⊗ I + I ⊗ T of the 1-D upwind operator T = tridiag(−(1 + c), 2 + c, −1): its products map a
 * grid function symmetric under i ↔ j to one that is symmetric to the last bit ((Tx)ᵢⱼ + (xT)ᵢⱼ
 * and its mirror add the same two numbers), so a Krylov sequence from a symmetric start never
 * meets the antisymmetric copies of the double eigenvalues λᵢⱼ = λⱼᵢ, not even through rounding.
 */
export function convectionDiffusion2dSymmetric(N: number, options: ConvectionDiffusionOptions = {}): LinearOperator {
  const c = ((options.peclet ?? 10) / (N + 1)) / Math.SQRT2;
  const n = N * N;
  const t = (x: Float64Array, at: (i: number) => number, i: number): number =>
    (2 + c) * (x[at(i)] as number) - (i > 0 ? (1 + c) * (x[at(i - 1)] as number) : 0) - (i < N - 1 ? (x[at(i + 1)] as number) : 0);
  return operator([n, n], (xv: Vec, out: Vec) => {
    const x = xv.data.subarray(xv.offset, xv.offset + n);
    for (let i = 0; i < N; i++) {
      for (let j = 0; j < N; j++) {
        const down = t(x, (r) => r * N + j, i); // (T ⊗ I)x: along the first index
        const across = t(x, (s) => i * N + s, j); // (I ⊗ T)x: along the second
        out.data[out.offset + i * N + j] = down + across;
      }
    }
  });
}
