import test from "ava";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { csr, rng } from "@krylov-ts/operators";
import { relativeAsymmetry } from "../../packages/cli/src/matrix.js";
import { symmetricEigenvalues } from "../helpers/dense.js";
import { krylov, tempDir } from "./run.js";

const dir = tempDir();
const n = 12;

/**
 * A seeded symmetric 12×12 matrix S with a_37 raised by 1e-12·max|S| (so a_37 − a_73 is that
 * much and no more), written in general coordinate format with every digit; returns the dense A.
 */
function nearlySymmetric(): { path: string; A: Float64Array } {
  const r = rng(7);
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const x = r.normal() + (i === j ? 3 * (i - n / 2) : 0);
      A[i * n + j] = x;
      A[j * n + i] = x;
    }
  }
  const maxAbs = A.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
  A[2 * n + 6] = (A[2 * n + 6] as number) + 1e-12 * maxAbs;
  const lines = ["%%MatrixMarket matrix coordinate real general", `${n} ${n} ${n * n}`];
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) lines.push(`${i + 1} ${j + 1} ${(A[i * n + j] as number).toPrecision(17)}`);
  const path = join(dir, "nearly-symmetric.mtx");
  writeFileSync(path, `${lines.join("\n")}\n`);
  return { path, A };
}

const { path, A } = nearlySymmetric();

test("a general-format matrix off symmetry by 1e-12 is refused by Lanczos (--which both) with the measured asymmetry", async (t) => {
  const out = join(dir, "out-refused");
  const r = await krylov(["eigs", path, "-k", "2", "--which", "both", "--out", out]);
  t.is(r.code, 2);
  t.regex(r.stderr, /^krylov eigs: .*nearly-symmetric\.mtx is not symmetric: max \|a_ij − a_ji\| = 1\.0e-12·max\|a\|, above --symmetry-tol 0 /);
  t.is(r.stderr.trim().split("\n").length, 1, r.stderr);
  t.is(r.stdout, "");
  t.false(existsSync(out));
});

test("a --symmetry-tol below the measured asymmetry still refuses the matrix and names the tolerance", async (t) => {
  const r = await krylov(["solve", path, "--symmetry-tol", "1e-13"]);
  t.is(r.code, 2);
  t.regex(r.stderr, /^krylov solve: .* = 1\.0e-12·max\|a\|, above --symmetry-tol 1e-13 \(CG and MINRES need A = Aᵀ; --method gmres, bicgstab or idrs takes any square matrix\)$/m);
});

test("with --symmetry-tol 1e-10 eigs accepts the matrix and its eigenvalues match the dense ones of (A + Aᵀ)/2 to 1e-8", async (t) => {
  const r = await krylov(["eigs", path, "-k", "3", "--which", "both", "--symmetry-tol", "1e-10", "--json"]);
  t.is(r.code, 0, r.stderr);
  const rep = JSON.parse(r.stdout) as { eigenvalues: number[]; matrix: { asymmetry: number; symmetric: boolean } };
  t.false(rep.matrix.symmetric);
  t.true(Math.abs(rep.matrix.asymmetry - 1e-12) < 1e-14, String(rep.matrix.asymmetry));
  const S = Float64Array.from(A, (_, k) => ((A[k] as number) + (A[(k % n) * n + Math.floor(k / n)] as number)) / 2);
  const exact = symmetricEigenvalues(S, n);
  const want = [...exact.slice(0, 3), ...exact.slice(n - 3)];
  t.is(rep.eigenvalues.length, 6);
  rep.eigenvalues.forEach((v, i) => {
    const e = want[i] as number;
    t.true(Math.abs(v - e) <= 1e-8 * Math.abs(e), `${v} vs ${e}`);
  });
});

test("with --symmetry-tol solve runs on the matrix as given and says so under its title", async (t) => {
  const r = await krylov(["solve", path, "--method", "minres", "--symmetry-tol", "1e-10", "--quiet"]);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /A is not exactly symmetric: max \|a_ij − a_ji\| = 1\.0e-12·max\|a\|, within --symmetry-tol 1e-10; run on A as given/);
  t.regex(r.stdout, /converged/);
});

test("relativeAsymmetry is max |a_ij − a_ji| / max |a_ij| of the dense matrix, entries missing on one side counting as 0", (t) => {
  const r = rng(3);
  const m = 9;
  const rows: number[] = [];
  const cols: number[] = [];
  const vals: number[] = [];
  const D = new Float64Array(m * m);
  for (let k = 0; k < 30; k++) {
    const i = r.integer(m);
    const j = r.integer(m);
    const x = r.normal();
    rows.push(i);
    cols.push(j);
    vals.push(x);
    D[i * m + j] = (D[i * m + j] as number) + x; // duplicates are summed, as csr does
  }
  let diff = 0;
  let max = 0;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) {
      diff = Math.max(diff, Math.abs((D[i * m + j] as number) - (D[j * m + i] as number)));
      max = Math.max(max, Math.abs(D[i * m + j] as number));
    }
  }
  t.true(Math.abs(relativeAsymmetry(csr(rows, cols, vals, [m, m])) - diff / max) <= 1e-15 * (diff / max));
  t.is(relativeAsymmetry(csr([0, 1], [1, 0], [2, 2], [2, 2])), 0);
  t.is(relativeAsymmetry(csr([], [], [], [3, 3])), 0);
  t.is(relativeAsymmetry(csr([0], [1], [4], [2, 2])), 1);
});

test("solve refuses a non-symmetric matrix with exit 2 instead of running CG on it", async (t) => {
  const nonSymmetric = join(dir, "nonsym.mtx");
  writeFileSync(nonSymmetric, "%%MatrixMarket matrix coordinate real general\n3 3 5\n1 1 4\n2 2 4\n3 3 4\n1 2 1\n2 3 -2\n");
  const out = join(dir, "out-nonsym");
  const r = await krylov(["solve", nonSymmetric, "--out", out]);
  t.is(r.code, 2);
  t.regex(r.stderr, /^krylov solve: .*nonsym\.mtx is not symmetric/);
  t.is(r.stderr.trim().split("\n").length, 1, r.stderr);
  t.is(r.stdout, "");
  t.false(existsSync(out));
});
