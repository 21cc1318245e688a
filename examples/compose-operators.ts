/**
 * Compose your own operator: a deflated, shifted, preconditioned system built from a Matrix
 * Market file without materializing anything.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { add, compose, counted, checkSymmetric, diagonal, projector, readMatrixMarket, scaled, shift, transpose, vec, operator } from "@krylov-ts/operators";
import { cg, lanczos } from "@krylov-ts/krylov";

const file = fileURLToPath(new URL("../../shared/data/matrices/494_bus.mtx", import.meta.url));
const A = readMatrixMarket(readFileSync(file, "utf8")); // CSR, 494×494, SPD
const n = A.shape[0];

const B = shift(add(A, scaled(0.5, diagonal(A.getDiagonal()))), 1e-3); // A + ½D + 10⁻³I
const N = compose(transpose(A), A);                                    // AᵀA, known symmetric
const u = vec(n).data.fill(1 / Math.sqrt(n));
const P = projector([u]);                                               // I − uuᵀ
const H = counted(compose(P, B, P));                                    // PBP, counted
console.log("symmetric:", B.symmetric, N.symmetric, checkSymmetric(H).symmetric);

// Your own closure is a first-class operator too: here the Jacobi preconditioner of B.
const d = A.getDiagonal();
const M = operator([n, n], (x, out) => {
  for (let i = 0; i < n; i++) out.data[out.offset + i] = x.data[x.offset + i]! / (1.5 * d[i]! + 1e-3);
}, { symmetric: true });

const b = vec(n).data.fill(1);
const plain = cg(B, b, { rtol: 1e-10 });
const pre = cg(B, b, { rtol: 1e-10, M });
console.log(`cg on B: ${plain.stats.iterations} iterations; with Jacobi: ${pre.stats.iterations}`);
const top = lanczos(N, { k: 2, which: "largest" });
console.log("largest eigenvalues of AᵀA:", Array.from(top.values, (v) => v.toExponential(6)).join(", "));
H.apply(b);
console.log("H was applied", H.count, "time(s)");
