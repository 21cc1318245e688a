/**
 * Extreme eigenvalues: `lanczos` (thick restart, locking, deflated restarts for multiplicities)
 * against SciPy's `eigsh` (ARPACK) and against `powerIteration` with deflation.
 *
 * 1. The matrix-free 2-D Poisson 5-point operator on 256² (n = 65,536): the top 6
 *    (`which: 'largest'`), whose eigenvalues 4 − 2cos(iπ/257) − 2cos(jπ/257) repeat for i ≠ j.
 * 2. A Hessian stand-in, n = 7,114 (the size of the MLP): H = Q·diag(λ)·Qᵀ with Q a
 *    product of 4 seeded Householder reflections (applied in O(n)), and a Hessian-like spectrum:
 *    10 outliers 50·0.7ⁱ above a bulk concentrated near 0 with a few small negative values.
 *    The top 5 to 1e-8; power iteration with deflation (PyHessian's method) to 0.5 % error.
 *
 * Products are counted by a wrapper, errors are relative to the analytic eigenvalues. Each
 * solver runs once (a run takes seconds to a minute; the counts are deterministic).
 * `KRYLOV_EIGS_N` overrides the grid side for a quick run.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { operator, rng, type LinearOperator, type Vec } from "@krylov-ts/operators";
import { lanczos, powerIteration } from "@krylov-ts/krylov";
import { poisson2d, poisson2dEigenvalues } from "../test/helpers/dense.js";
import { fmt } from "./lib.js";

const here = dirname(fileURLToPath(import.meta.url));

interface Line {
  method: string;
  setting: string;
  matvecs: number;
  ms: number;
  maxRelErr: number;
  note?: string;
}

function counted(A: LinearOperator): { op: LinearOperator; count: { n: number } } {
  const count = { n: 0 };
  const op = operator(A.shape, (x: Vec, out: Vec) => {
    count.n++;
    A.apply(x, out);
  }, { symmetric: true });
  return { op, count };
}

/** max |vᵢ − eᵢ|/|eᵢ| over sorted lists of equal length (∞ when lengths differ). */
function maxRelErr(values: ArrayLike<number>, exact: ArrayLike<number>): number {
  if (values.length !== exact.length) return Infinity;
  const v = Array.from(values).sort((a, b) => a - b);
  const e = Array.from(exact).sort((a, b) => a - b);
  return Math.max(...v.map((x, i) => Math.abs(x - (e[i] as number)) / Math.abs(e[i] as number)));
}

/** The Hessian stand-in: spectrum and Householder vectors. */
function hessianStandIn(n: number, reflections: number): { lambda: Float64Array; U: Float64Array[]; op: LinearOperator } {
  const r = rng(7114);
  const lambda = new Float64Array(n);
  for (let i = 0; i < 10; i++) lambda[i] = 50 * 0.7 ** i;
  for (let i = 10; i < n; i++) lambda[i] = r.uniform() ** 3 - 0.1 * r.uniform() ** 2;
  const U: Float64Array[] = [];
  for (let k = 0; k < reflections; k++) {
    const u = Float64Array.from({ length: n }, () => r.normal());
    const s = Math.hypot(...u);
    U.push(u.map((x) => x / s));
  }
  const reflect = (u: Float64Array, y: Float64Array): void => {
    let d = 0;
    for (let i = 0; i < n; i++) d += (u[i] as number) * (y[i] as number);
    for (let i = 0; i < n; i++) y[i] = (y[i] as number) - 2 * d * (u[i] as number);
  };
  const y = new Float64Array(n);
  const op = operator([n, n], (x: Vec, out: Vec) => {
    for (let i = 0; i < n; i++) y[i] = x.get(i);
    for (const u of U) reflect(u, y); // y ← Qᵀx
    for (let i = 0; i < n; i++) y[i] = (y[i] as number) * (lambda[i] as number);
    for (let k = U.length - 1; k >= 0; k--) reflect(U[k] as Float64Array, y); // y ← Q·Λ·Qᵀx
    for (let i = 0; i < n; i++) out.data[out.offset + i] = y[i] as number;
  }, { symmetric: true, name: "hessianStandIn" });
  return { lambda, U, op };
}

function print(title: string, lines: Line[]): void {
  console.log(`\n### ${title}\n`);
  console.log("| method | setting | matvecs | time (ms) | max rel. error | note |");
  console.log("|---|---|---:|---:|---:|---|");
  for (const l of lines) {
    console.log(`| ${l.method} | ${l.setting} | ${l.matvecs} | ${fmt(l.ms)} | ${l.maxRelErr.toExponential(2)} | ${l.note ?? ""} |`);
  }
}

interface ScipyLine { tol: number; matvecs: number; ms: number; maxRelErr: number }

export default async function (): Promise<void> {
  const N = Number(process.env.KRYLOV_EIGS_N ?? 256);
  const n = N * N;
  const exact6 = poisson2dEigenvalues(N).slice(-6);
  const P = counted(poisson2d(N));
  const poissonLines: Line[] = [];
  for (const [tol, maxBasis] of [[1e-6, 30], [1e-10, 30], [1e-10, 60]] as const) {
    P.count.n = 0;
    const t0 = performance.now();
    const r = lanczos(P.op, { k: 6, which: "largest", tol, maxBasis });
    const ms = performance.now() - t0;
    poissonLines.push({
      method: "krylov-ts lanczos",
      setting: `tol ${tol}, maxBasis ${maxBasis}`,
      matvecs: P.count.n,
      ms,
      maxRelErr: maxRelErr(r.values, exact6),
      note: `${r.stats.status}, ${r.restarts} cycles`,
    });
  }

  const hn = 7114;
  const H = hessianStandIn(hn, 4);
  const exact5 = Array.from(H.lambda).sort((a, b) => a - b).slice(-5);
  const C = counted(H.op);
  const hessLines: Line[] = [];
  {
    C.count.n = 0;
    const t0 = performance.now();
    const r = lanczos(C.op, { k: 5, which: "largest", tol: 1e-8 });
    hessLines.push({ method: "krylov-ts lanczos", setting: "tol 1e-8", matvecs: C.count.n, ms: performance.now() - t0, maxRelErr: maxRelErr(r.values, exact5), note: r.stats.status });
  }
  for (const tol of [1e-2, 3e-3, 1e-3]) {
    C.count.n = 0;
    const t0 = performance.now();
    const r = powerIteration(C.op, { k: 5, tol, maxIterations: 5000 });
    const err = maxRelErr(r.values, exact5);
    hessLines.push({ method: "krylov-ts powerIteration (deflation)", setting: `tol ${tol}`, matvecs: C.count.n, ms: performance.now() - t0, maxRelErr: err, note: r.stats.status });
    if (err <= 5e-3) break;
  }

  // SciPy on the same problems.
  const dir = mkdtempSync(join(tmpdir(), "krylov-eigs-"));
  const spec = new Float64Array(2 + hn + H.U.length * hn);
  spec[0] = hn;
  spec[1] = H.U.length;
  spec.set(H.lambda, 2);
  H.U.forEach((u, k) => spec.set(u, 2 + hn + k * hn));
  const file = join(dir, "hessian.f64");
  writeFileSync(file, Buffer.from(spec.buffer));
  const p = spawnSync("python3", [join(here, "scipy_eigs.py"), String(N), file], { encoding: "utf8", maxBuffer: 1 << 24 });
  rmSync(dir, { recursive: true, force: true });
  let scipyNote = "";
  if (p.error || p.status !== 0) {
    scipyNote = `SciPy skipped: ${p.error?.message ?? p.stderr.trim().split("\n").pop()}`;
  } else {
    const out = JSON.parse(p.stdout) as { scipy: string; poisson: ScipyLine[]; hessian: ScipyLine[] };
    for (const s of out.poisson) {
      poissonLines.push({ method: `SciPy ${out.scipy} eigsh`, setting: `k=6, which='LA', tol ${s.tol}`, matvecs: s.matvecs, ms: s.ms, maxRelErr: s.maxRelErr });
    }
    for (const s of out.hessian) {
      hessLines.push({ method: `SciPy ${out.scipy} eigsh`, setting: `k=5, which='LA', tol ${s.tol}`, matvecs: s.matvecs, ms: s.ms, maxRelErr: s.maxRelErr });
    }
  }
  print(`2-D Poisson ${N}² (n = ${n}), top 6 with multiplicities`, poissonLines);
  print(`Hessian stand-in (n = ${hn}), top 5`, hessLines);
  if (scipyNote) console.log(`\n${scipyNote}`);
}
