/**
 * lsq: least squares and singular values side by side with SciPy (bench/scipy_lsq.py), on the
 * same seeded problems:
 * - `lsqr` and `lsmr` on a 20,000×5,000 sparse matrix (8 entries a row, columns scaled over two
 *   decades, b = A x* + noise, so inconsistent) with atol = btol = 1e-8 and conlim 1e12, against
 *   SciPy's `lsqr`/`lsmr` with the same rules: iterations, products, median time, and the TRUE
 *   ‖r‖ and ‖Aᵀr‖ of each result;
 * - `svds` top 10 of the same matrix against SciPy `svds` (ARPACK) at the same tol: products of A
 *   and Aᵀ, time, and the largest relative difference of the values (and each side's measured
 *   residuals max(‖Av − σu‖, ‖Aᵀu − σv‖));
 * - a Gauss–Newton fit of y = a₁e^(−b₁t) + a₂e^(−b₂t) to 10⁴ noisy points through
 *   `jacobianOperator` + `lsqr` (with halving of the step when the cost does not decrease),
 *   against scipy.optimize.least_squares (Levenberg–Marquardt, exact Jacobian): agreement of
 *   the parameters and of the cost.
 *
 * SciPy runs at 1 and 2 BLAS threads (bench/peer.py names the BLAS); the faster time is compared.
 * `--quick`: one timed run each.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { csr, rng, vec, type LinearOperator, type Vec } from "@krylov-ts/operators";
import { lsmr, lsqr, svds } from "@krylov-ts/krylov";
import { add, constant, exp, jacobianOperator, mul, neg, slice, sub, type Tensor } from "@krylov-ts/autodiff";
import { QUICK, fmt } from "./lib.js";
import { here, pythonWith } from "./peers.js";

const M = 20000, N = 5000, PER_ROW = 8, TOL = 1e-8, K = 10, SVD_TOL = 1e-10;
const FIT_POINTS = 10000;

function problem(): { rows: Int32Array; cols: Int32Array; vals: Float64Array; b: Float64Array } {
  const r = rng(20261204);
  const nnz = M * PER_ROW;
  const rows = new Int32Array(nnz), cols = new Int32Array(nnz), vals = new Float64Array(nnz);
  const scale = Float64Array.from({ length: N }, (_, j) => Math.pow(10, (-2 * j) / (N - 1)));
  for (let i = 0, k = 0; i < M; i++) {
    for (let e = 0; e < PER_ROW; e++, k++) {
      const j = r.integer(N);
      rows[k] = i;
      cols[k] = j;
      vals[k] = r.normal() * (scale[j] as number);
    }
  }
  const A = csr(rows, cols, vals, [M, N]);
  const xs = r.normalVec(N);
  const b = Float64Array.from(A.apply(xs).data);
  for (let i = 0; i < M; i++) b[i] = (b[i] as number) + 0.01 * r.normal();
  return { rows, cols, vals, b };
}

function trueNorms(A: LinearOperator, b: Float64Array, x: Vec): { r: number; ar: number } {
  const ax = A.apply(x);
  const r = vec(Float64Array.from(b, (v, i) => v - ax.get(i)));
  const ar = (A.applyTranspose as (x: Vec) => Vec)(r);
  let s = 0, t = 0;
  for (let i = 0; i < M; i++) s += r.get(i) ** 2;
  for (let j = 0; j < N; j++) t += ar.get(j) ** 2;
  return { r: Math.sqrt(s), ar: Math.sqrt(t) };
}

function medianMs(fn: () => void, runs: number): number {
  const ts: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    ts.push(performance.now() - t0);
  }
  ts.sort((a, b) => a - b);
  return ts[Math.floor(ts.length / 2)] as number;
}

/** The exponential-sum fit: data, start, and the Gauss–Newton solve through jacobianOperator + lsqr. */
function fitData(): { t: Float64Array; y: Float64Array; p0: Float64Array } {
  const r = rng(77);
  const t = Float64Array.from({ length: FIT_POINTS }, (_, i) => (10 * i) / (FIT_POINTS - 1));
  const y = Float64Array.from(t, (s) => 2 * Math.exp(-1.3 * s) + 0.8 * Math.exp(-0.15 * s) + 0.01 * r.normal());
  return { t, y, p0: Float64Array.of(1, 1, 1, 0.1) };
}

function gaussNewton(t: Float64Array, y: Float64Array, p0: Float64Array): { p: Float64Array; cost: number; iterations: number; products: number } {
  const tc = constant(t, [t.length]);
  const yc = constant(y, [y.length]);
  const residual = (p: Tensor): Tensor => {
    const term = (k: number): Tensor => mul(slice(p, [2 * k], [1]), exp(neg(mul(slice(p, [2 * k + 1], [1]), tc))));
    return sub(add(term(0), term(1)), yc);
  };
  const p = Float64Array.from(p0);
  const J = jacobianOperator(residual, p);
  const r = new Float64Array(t.length);
  const cost = (): number => { J.value(r); let s = 0; for (const v of r) s += v * v; return 0.5 * s; };
  let c = cost();
  let iterations = 0, products = 0;
  const trial = new Float64Array(4);
  for (; iterations < 100; iterations++) {
    const step = lsqr(J, Float64Array.from(r, (v) => -v), { atol: 1e-12, btol: 1e-12 });
    products += step.stats.matvecs;
    let alpha = 1, accepted = false;
    for (let h = 0; h < 30; h++, alpha /= 2) {
      for (let i = 0; i < 4; i++) trial[i] = (p[i] as number) + alpha * step.x.get(i);
      J.setPoint(trial);
      const ct = cost();
      if (ct <= c) { p.set(trial); accepted = ct < c; c = ct; break; }
    }
    J.setPoint(p);
    c = cost();
    let sn = 0, pn = 0;
    for (let i = 0; i < 4; i++) { sn += (alpha * step.x.get(i)) ** 2; pn += (p[i] as number) ** 2; }
    if (!accepted || Math.sqrt(sn) <= 1e-12 * Math.sqrt(pn)) break;
  }
  return { p, cost: c, iterations, products };
}

interface Ref {
  lsqr: { iterations: number; istop: number; matvecs: number; ms: number; rNorm: number; arNorm: number };
  lsmr: { iterations: number; istop: number; matvecs: number; ms: number; rNorm: number; arNorm: number };
  svds: { values: number[]; matvecs: number; ms: number; residuals: number[] };
  fit: { p: number[]; cost: number; nfev: number; ms: number; status: number };
  scipy: string;
  peer: { threads: number; blasSource: string; blas: Array<{ filepath: string; internal_api?: string; version?: string }> };
}

export default async function (): Promise<void> {
  const runs = QUICK ? 1 : 5;
  const { rows, cols, vals, b } = problem();
  const A = csr(rows, cols, vals, [M, N]);
  const { t, y, p0 } = fitData();

  // SciPy at 1 and 2 threads, on the same data.
  const python = pythonWith("scipy");
  const refs: Ref[] = [];
  let skip: string | undefined;
  if (python === undefined) skip = "python3 with scipy not found";
  else {
    const dir = mkdtempSync(join(tmpdir(), "krylov-lsq-"));
    try {
      const w = (name: string, a: ArrayBufferView): void => writeFileSync(join(dir, name), Buffer.from(a.buffer, a.byteOffset, a.byteLength));
      w("rows.i32", rows); w("cols.i32", cols); w("vals.f64", vals); w("b.f64", b); w("t.f64", t); w("y.f64", y); w("p0.f64", p0);
      writeFileSync(join(dir, "shape.json"), JSON.stringify({ m: M, n: N, tol: TOL, k: K, svdTol: SVD_TOL }));
      for (const threads of [1, 2]) {
        const p = spawnSync(python, [join(here, "scipy_lsq.py"), dir, String(runs)], { encoding: "utf8", env: { ...process.env, KRYLOV_PEER_THREADS: String(threads) } });
        if (p.status !== 0) { skip = `scipy_lsq.py failed: ${p.stderr.trim().split("\n").pop() ?? ""}`; break; }
        refs.push(JSON.parse(p.stdout) as Ref);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const best = <T extends { ms: number }>(pick: (r: Ref) => T): (T & { threads: number }) | undefined =>
    refs.map((r) => ({ ...pick(r), threads: r.peer.threads })).sort((a, c) => a.ms - c.ms)[0];

  console.log(`\n### Least squares, ${M}×${N} sparse (${PER_ROW} entries a row, ${M * PER_ROW} nonzeros), atol = btol = ${TOL}, conlim 1e12\n`);
  console.log(`(load average ${loadavg().map((l) => l.toFixed(1)).join(", ")} on ${cpus().length} cores; ${skip ?? `SciPy ${refs[0]?.scipy}, BLAS ${refs[0]?.peer.blasSource}: ${[...new Set(refs[0]?.peer.blas.map((l) => `${l.internal_api ?? ""} ${l.version ?? ""}`.trim()))].join("; ")}; best of 1 and 2 threads`})\n`);
  console.log("| solver | status | iterations | products (A, Aᵀ) | median ms | true ‖r‖ | true ‖Aᵀr‖ | iterations / SciPy | time / SciPy |");
  console.log("|---|---|---:|---:|---:|---:|---:|---:|---:|");
  for (const [name, solve] of [["lsqr", lsqr], ["lsmr", lsmr]] as const) {
    const opts = { atol: TOL, btol: TOL, conlim: 1e12, maxIterations: 10 * N };
    const res = solve(A, b, opts);
    const tn = trueNorms(A, b, res.x);
    const ms = medianMs(() => void solve(A, b, opts), runs);
    const ref = best((r) => r[name]);
    console.log(`| krylov-ts ${name} | ${res.stats.status} | ${res.stats.iterations} | ${res.stats.matvecs} | ${fmt(ms)} | ${tn.r.toExponential(4)} | ${tn.ar.toExponential(2)} | ${ref === undefined ? "" : (res.stats.iterations / ref.iterations).toFixed(3)} | ${ref === undefined ? "" : (ms / ref.ms).toFixed(2)} |`);
    if (ref !== undefined) console.log(`| SciPy ${name} (${ref.threads} thread${ref.threads > 1 ? "s" : ""}) | istop ${ref.istop} | ${ref.iterations} | ${ref.matvecs} | ${fmt(ref.ms)} | ${ref.rNorm.toExponential(4)} | ${ref.arNorm.toExponential(2)} | | |`);
  }

  console.log(`\n### svds: the ${K} largest singular values of the same matrix, tol ${SVD_TOL}\n`);
  const sv = svds(A, { k: K, tol: SVD_TOL });
  const svMs = medianMs(() => void svds(A, { k: K, tol: SVD_TOL }), Math.max(1, Math.floor(runs / 2)));
  const ref = best((r) => r.svds);
  const diff = ref === undefined ? NaN : Math.max(...Array.from(sv.values, (s, i) => Math.abs(s - (ref.values[i] as number)) / (ref.values[0] as number)));
  console.log("| method | status | products (A, Aᵀ) | median ms | max residual / σ₁ | max |σ − σ_SciPy| / σ₁ |");
  console.log("|---|---|---:|---:|---:|---:|");
  console.log(`| krylov-ts svds (IRLBA, basis ${Math.min(Math.max(2 * K + 10, 20), N)}) | ${sv.stats.status} | ${sv.stats.matvecs} | ${fmt(svMs)} | ${(Math.max(...sv.residuals) / (sv.values[0] as number)).toExponential(2)} | ${diff.toExponential(2)} |`);
  if (ref !== undefined) console.log(`| SciPy svds (ARPACK, ${ref.threads} thread${ref.threads > 1 ? "s" : ""}) | | ${ref.matvecs} | ${fmt(ref.ms)} | ${(Math.max(...ref.residuals) / (ref.values[0] as number)).toExponential(2)} | |`);

  console.log(`\n### Gauss–Newton fit, y = a₁e^(−b₁t) + a₂e^(−b₂t), ${FIT_POINTS} points (noise 0.01), from p₀ = [1, 1, 1, 0.1]\n`);
  const gn = gaussNewton(t, y, p0);
  const gnMs = medianMs(() => void gaussNewton(t, y, p0), runs);
  const fit = best((r) => r.fit);
  const agree = fit === undefined ? NaN : Math.max(...Array.from(gn.p, (v, i) => Math.abs(v - (fit.p[i] as number)) / Math.abs(fit.p[i] as number)));
  console.log("| method | parameters | cost ½‖r‖² | iterations (products) | median ms |");
  console.log("|---|---|---:|---:|---:|");
  console.log(`| jacobianOperator + lsqr | ${Array.from(gn.p, (v) => v.toPrecision(8)).join(", ")} | ${gn.cost.toPrecision(10)} | ${gn.iterations} (${gn.products} J·v, Jᵀ·w) | ${fmt(gnMs)} |`);
  if (fit !== undefined) {
    console.log(`| SciPy least_squares (lm, exact J) | ${fit.p.map((v) => v.toPrecision(8)).join(", ")} | ${fit.cost.toPrecision(10)} | ${fit.nfev} evaluations | ${fmt(fit.ms)} |`);
    console.log(`\nlargest relative parameter difference ${agree.toExponential(2)}, cost difference ${Math.abs(gn.cost - fit.cost).toExponential(2)}`);
  }
}
