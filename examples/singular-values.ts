/**
 * The largest singular values of a rectangular sparse matrix by `svds` (IRLBA), which needs only
 * A·v and Aᵀ·u: a 3,000×1,000 matrix with 10 seeded random entries a row, its columns scaled
 * from 1 down to 0.01. Each triplet comes with its measured residual max(‖Av − σu‖, ‖Aᵀu − σv‖).
 */
import { csr, rng } from "@krylov-ts/operators";
import { svds } from "@krylov-ts/krylov";

const [m, n] = [3000, 1000];
const r = rng(7);
const rows: number[] = [], cols: number[] = [], vals: number[] = [];
for (let i = 0; i < m; i++) {
  for (let e = 0; e < 10; e++) {
    const j = r.integer(n);
    rows.push(i);
    cols.push(j);
    vals.push(r.normal() * Math.pow(100, -j / (n - 1)));
  }
}
const A = csr(rows, cols, vals, [m, n]);

const { values, residuals, stats } = svds(A, { k: 5, tol: 1e-10 });
values.forEach((s, i) => console.log(`σ${i + 1} = ${s.toFixed(10)}  residual ${residuals[i]!.toExponential(1)}`));
console.log(`${stats.status}: ${stats.matvecs} products with A and Aᵀ`);
