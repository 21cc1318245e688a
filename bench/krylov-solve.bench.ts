/**
 * krylov-solve: `cg` (rtol 1e-8) and `minres` (shift 0.05, rtol 1e-8) on the matrix-free 2-D
 * Poisson 5-point operator with 256² unknowns (n = 65,536), b seeded, side by side with SciPy's
 * `cg` and `minres` on the same operator (a CSR matrix) and the same b, run by python3 in the
 * same benchmark (skipped with a message when python3 with scipy is missing).
 *
 * Reported: products with A (matvecs), median wall time, and the TRUE relative residual
 * ‖b − (A − σI)x‖/‖b‖ computed afresh for every solver. Our solvers run twice: with the
 * WebAssembly SIMD kernels (the default) and with the JavaScript kernels forced (`setSimd(false)`,
 * what `KRYLOV_TS_NO_SIMD=1` does), so the gain is measured in the same run; both give the same
 * iterates bit for bit. The median time of one product with A is reported too.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { operator, rng, vec, type LinearOperator, type Vec } from "@krylov-ts/operators";
import { cg, minres } from "@krylov-ts/krylov";
import { setSimd, simdEnabled } from "../packages/krylov/src/kernels.js";
import { fmt, interleaved } from "./lib.js";

const N = 256;
const n = N * N;
const SHIFT = 0.05;
const RTOL = 1e-8;
const here = dirname(fileURLToPath(import.meta.url));

/**
 * The matrix-free 5-point Laplacian (Dirichlet), interior rows without branches; along a row
 * the left, centre and right values roll through registers, so each entry costs three loads
 * (centre row ahead, rows above and below) instead of five. Same arithmetic, same order.
 */
function poisson(N: number): LinearOperator {
  return operator(
    [N * N, N * N],
    (xv: Vec, yv: Vec) => {
      const x = xv.offset === 0 ? xv.data : xv.data.subarray(xv.offset);
      const y = yv.offset === 0 ? yv.data : yv.data.subarray(yv.offset);
      for (let i = 0; i < N; i++) {
        const row = i * N;
        const end = row + N - 1;
        if (i > 0 && i < N - 1) {
          let xl = x[row]!; // x[k − 1]
          let xc = x[row + 1]!; // x[k]
          y[row] = 4 * xl - xc - x[row - N]! - x[row + N]!;
          for (let k = row + 1; k < end; k++) {
            const xr = x[k + 1]!;
            y[k] = 4 * xc - xl - xr - x[k - N]! - x[k + N]!;
            xl = xc;
            xc = xr;
          }
          y[end] = 4 * xc - xl - x[end - N]! - x[end + N]!;
        } else {
          for (let k = row; k <= end; k++) {
            let s = 4 * x[k]!;
            if (k > row) s -= x[k - 1]!;
            if (k < end) s -= x[k + 1]!;
            if (i > 0) s -= x[k - N]!;
            if (i < N - 1) s -= x[k + N]!;
            y[k] = s;
          }
        }
      }
    },
    { symmetric: true, name: "poisson2d" },
  );
}

function trueRelResidual(A: LinearOperator, x: Vec, b: Vec, sigma: number): number {
  const ax = A.apply(x, vec(n));
  let num = 0, den = 0;
  for (let i = 0; i < n; i++) {
    const bi = b.data[i] as number;
    num += (bi - (ax.data[i] as number) + sigma * (x.data[i] as number)) ** 2;
    den += bi * bi;
  }
  return Math.sqrt(num / den);
}

interface Ref {
  matvecs: number;
  iterations: number;
  ms: number;
  trueRelResidual: number;
}

function scipy(b: Vec, runs: number): { cg: Ref; minres: Ref; minresTight: Ref; scipy: string } | string {
  const dir = mkdtempSync(join(tmpdir(), "krylov-solve-"));
  try {
    const file = join(dir, "b.f64");
    writeFileSync(file, Buffer.from(b.data.buffer, b.data.byteOffset, n * 8));
    // Single-threaded BLAS, like the single JavaScript thread it is compared with.
    const env = { ...process.env, OMP_NUM_THREADS: "1", OPENBLAS_NUM_THREADS: "1", MKL_NUM_THREADS: "1" };
    const p = spawnSync("python3", [join(here, "scipy_solve.py"), file, String(N), String(runs)], { encoding: "utf8", env });
    if (p.error) return `python3 not available (${p.error.message})`;
    if (p.status !== 0) return `scipy_solve.py failed: ${p.stderr.trim().split("\n").pop() ?? ""}`;
    return JSON.parse(p.stdout) as { cg: Ref; minres: Ref; minresTight: Ref; scipy: string };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Median times of `fn` with the given kernel backend and with the JavaScript kernels forced,
 * timed by benchmark.js in interleaved rounds so that both see the same load.
 */
function alternating(simd: boolean, fn: () => void, runs: number): [number, number] {
  const rows = interleaved(
    undefined,
    [
      { name: "default kernels", fn: () => { setSimd(simd); fn(); } },
      { name: "JavaScript kernels", fn: () => { setSimd(false); fn(); } },
    ],
    { rounds: runs, warmup: 0, maxTime: 0 },
  );
  return [(rows[0] as { medianMs: number }).medianMs, (rows[1] as { medianMs: number }).medianMs];
}

export default async function (): Promise<void> {
  const A = poisson(N);
  const b = rng(2024).normalVec(n);
  const runs = 7;

  // Each solve with the default kernels (SIMD where available) and with the JavaScript kernels
  // forced, the two timed in alternation so that both see the same load.
  const simdOn = simdEnabled(); // false under KRYLOV_TS_NO_SIMD=1
  const c = cg(A, b, { rtol: RTOL });
  const m = minres(A, b, { shift: SHIFT, rtol: RTOL });
  setSimd(false);
  const cgJs = cg(A, b, { rtol: RTOL });
  const mJs = minres(A, b, { shift: SHIFT, rtol: RTOL });
  const [cgMs, cgJsMs] = alternating(simdOn, () => void cg(A, b, { rtol: RTOL }), runs);
  const [mrMs, mrJsMs] = alternating(simdOn, () => void minres(A, b, { shift: SHIFT, rtol: RTOL }), 3);
  setSimd(simdOn);
  const xs = vec(n);
  const ys = vec(n);
  const matvecUs = (interleaved(undefined, [{ name: "matvec", fn: () => void A.apply(xs, ys) }], { rounds: 9, warmup: 1 })[0] as { medianMs: number }).medianMs * 1e3;
  const ref = scipy(b, runs);

  console.log(`\n### Poisson 2-D 5-point, ${N}² = ${n} unknowns, b = rng(2024).normalVec(n), rtol ${RTOL}\n`);
  console.log(`(load average ${loadavg().map((l) => l.toFixed(1)).join(", ")} on ${cpus().length} cores; SciPy with single-threaded BLAS)\n`);
  console.log("| solver | status | matvecs | iterations | median ms | true ‖b − (A − σI)x‖/‖b‖ | time / SciPy |");
  console.log("|---|---|---:|---:|---:|---:|---:|");
  const row = (name: string, status: string, mv: number, it: number, ms: number, rr: number, base?: number): void =>
    console.log(`| ${name} | ${status} | ${mv} | ${it} | ${fmt(ms)} | ${rr.toExponential(2)} | ${base === undefined ? "" : (ms / base).toFixed(2)} |`);
  const refCg = typeof ref === "string" ? undefined : ref.cg;
  const refMr = typeof ref === "string" ? undefined : ref.minres;
  row(`krylov-ts cg (${simdOn ? "SIMD" : "JavaScript"} kernels)`, c.stats.status, c.stats.matvecs, c.stats.iterations, cgMs, trueRelResidual(A, c.x, b, 0), refCg?.ms);
  row("krylov-ts cg (JavaScript kernels forced)", cgJs.stats.status, cgJs.stats.matvecs, cgJs.stats.iterations, cgJsMs, trueRelResidual(A, cgJs.x, b, 0), refCg?.ms);
  if (refCg) row(`SciPy ${typeof ref === "string" ? "" : ref.scipy} cg (CSR)`, "info 0", refCg.matvecs, refCg.iterations, refCg.ms, refCg.trueRelResidual, refCg.ms);
  row(`krylov-ts minres σ=${SHIFT} (${simdOn ? "SIMD" : "JavaScript"} kernels)`, m.stats.status, m.stats.matvecs, m.stats.iterations, mrMs, trueRelResidual(A, m.x, b, SHIFT), refMr?.ms);
  row(`krylov-ts minres σ=${SHIFT} (JavaScript kernels forced)`, mJs.stats.status, mJs.stats.matvecs, mJs.stats.iterations, mrJsMs, trueRelResidual(A, mJs.x, b, SHIFT), refMr?.ms);
  if (refMr) row(`SciPy minres σ=${SHIFT} (CSR)`, "info 0", refMr.matvecs, refMr.iterations, refMr.ms, refMr.trueRelResidual, refMr.ms);
  if (typeof ref !== "string") {
    const t = ref.minresTight;
    row(`SciPy minres σ=${SHIFT}, rtol 1e-12 (one run, counted operator)`, "—", t.matvecs, t.iterations, t.ms, t.trueRelResidual);
  }
  if (typeof ref === "string") console.log(`\nSciPy skipped: ${ref}`);
  console.log(
    `\none product with the stencil operator: ${fmt(matvecUs)} µs (median); cg spent ≈ ${fmt((c.stats.matvecs * matvecUs) / 1e3)} ms ` +
      `of its ${fmt(cgMs)} ms in products; SIMD kernels ${cgJsMs > 0 ? (cgJsMs / cgMs).toFixed(2) : "—"}× faster for cg, ` +
      `${mrJsMs > 0 ? (mrJsMs / mrMs).toFixed(2) : "—"}× for minres (same iterates: ` +
      `${c.x.data.every((v, i) => Object.is(v, cgJs.x.data[i])) && m.x.data.every((v, i) => Object.is(v, mJs.x.data[i])) ? "yes" : "NO"})`,
  );
  if (c.estimates) {
    console.log(
      `\ncg Ritz estimates: λmin ${c.estimates.lambdaMin.toExponential(4)}, λmax ${c.estimates.lambdaMax.toFixed(6)}, ` +
        `cond ${fmt(c.estimates.condition)} (analytic λmin ${(8 * Math.sin(Math.PI / (2 * (N + 1))) ** 2).toExponential(4)}, ` +
        `λmax ${(8 * Math.cos(Math.PI / (2 * (N + 1))) ** 2).toFixed(6)}); minres restarts: ${m.estimates.restarts}`,
    );
  }
}
