/**
 * `krylov solve --method lsqr|lsmr` on rectangular files and `krylov svds`, checked against the
 * generator's known solution and singular values (recomputed here from the reported output).
 */
import test from "ava";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { csr } from "@krylov-ts/operators";
import { leastSquaresProblem, toMatrixMarket } from "../helpers/problems/index.js";
import { krylov, tempDir } from "./run.js";

const p = leastSquaresProblem(40, 12, { cond: 100, inconsistency: 0.5, seed: 51, sigma: Array.from({ length: 12 }, (_, i) => 12 - i) });
const rows: number[] = [], cols: number[] = [], vals: number[] = [];
for (let i = 0; i < p.m; i++) for (let j = 0; j < p.n; j++) { rows.push(i); cols.push(j); vals.push(p.a[i * p.n + j]!); }
const dir = tempDir();
const file = join(dir, "tall.mtx");
writeFileSync(file, toMatrixMarket(csr(rows, cols, vals, [p.m, p.n])));
const rhs = join(dir, "b.txt");
writeFileSync(rhs, Array.from(p.b).join("\n"));
const wide = join(dir, "wide.mtx");
writeFileSync(wide, toMatrixMarket(csr(cols, rows, vals, [p.n, p.m])));

for (const method of ["lsqr", "lsmr"]) {
  test(`solve --method ${method} takes a rectangular file and returns the least-squares solution`, async (t) => {
    const r = await krylov(["solve", file, "--method", method, "--rhs", rhs, "--rtol", "1e-12", "--json"]);
    t.is(r.code, 0, r.stderr);
    const rep = JSON.parse(r.stdout) as { x: number[]; result: { status: string; rule: string; trueRelativeResidual: number } };
    t.is(rep.result.status, "converged");
    t.is(rep.result.rule, "least squares");
    t.is(rep.x.length, 12);
    const err = Math.sqrt(rep.x.reduce((s, v, j) => s + (v - p.x[j]!) ** 2, 0));
    t.true(err < 1e-9, `error ${err}`);
  });
}

test("solve --method lsqr prints the shape, the rule met and the true ‖Aᵀr‖", async (t) => {
  const r = await krylov(["solve", file, "--method", "lsqr", "--rhs", rhs, "--damp", "0.1", "--quiet"]);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /40×12/);
  t.regex(r.stdout, /damping λ = 0\.1/);
  t.regex(r.stdout, /‖Aᵀr‖\/\(‖A‖‖r‖\) \(true\)/);
});

test("solve refuses --damp with a square method and --precond with lsqr, and a b of the wrong length", async (t) => {
  const a = await krylov(["solve", file, "--method", "lsmr", "--precond", "jacobi"]);
  t.is(a.code, 2);
  t.regex(a.stderr, /--precond is not available with --method lsmr/);
  const b = await krylov(["solve", wide, "--method", "lsqr", "--rhs", rhs]);
  t.is(b.code, 2);
  t.regex(b.stderr, /holds 40 numbers but the matrix is 12×40/);
  const c = await krylov(["solve", file, "--method", "cg", "--damp", "1"]);
  t.is(c.code, 2);
  t.regex(c.stderr, /--damp is for --method lsqr or lsmr, not cg/);
});

test("svds -k 3 prints the three largest singular values of a tall and of a wide file", async (t) => {
  for (const f of [file, wide]) {
    const r = await krylov(["svds", f, "-k", "3", "--json"]);
    t.is(r.code, 0, r.stderr);
    const rep = JSON.parse(r.stdout) as { singularValues: number[]; residualNorms: number[]; stats: { status: string } };
    t.is(rep.stats.status, "converged");
    t.deepEqual(rep.singularValues.map((s) => Math.round(s * 1e8) / 1e8), [12, 11, 10]);
    for (const res of rep.residualNorms) t.true(res <= 1e-10 * 12 * 1.01);
  }
});

test("svds --which smallest and the errors of -k and --basis", async (t) => {
  const r = await krylov(["svds", file, "-k", "2", "--which", "smallest", "--json"]);
  t.is(r.code, 0, r.stderr);
  const rep = JSON.parse(r.stdout) as { singularValues: number[] };
  t.deepEqual(rep.singularValues.map((s) => Math.round(s * 1e8) / 1e8), [1, 2]);
  const big = await krylov(["svds", file, "-k", "13"]);
  t.is(big.code, 2);
  t.regex(big.stderr, /-k 13 is larger than min\(m, n\) = 12/);
  const basis = await krylov(["svds", file, "-k", "3", "--basis", "40"]);
  t.is(basis.code, 2);
  t.regex(basis.stderr, /--basis 40 must lie in \[4, 12\]/);
});
