/**
 * nonsym: the non-symmetric solvers and eigs on 2-D upwind convection–diffusion (the generator of
 * test/helpers/problems/, a CSR matrix), 256² = 65,536 unknowns at Péclet 10 and 100, b = 1,
 * side by side with SciPy's `gmres(restart=30)`, `bicgstab` and ARPACK's `eigs` on the same matrix,
 * run by python3 through bench/peer.py at each thread setting (its BLAS named; the fastest setting
 * is the reference), in the same benchmark.
 *
 * Solves: rtol 1e-8 (SciPy: rtol 1e-8, atol 0). Reported: products with A, iterations (GMRES:
 * inner steps), median wall time, and the TRUE relative residual ‖b − Ax‖/‖b‖ computed afresh.
 * eigs: the 6 largest-magnitude eigenvalues, tol 1e-10 (ARPACK's test ‖r‖ ≤ tol·|θ| on both
 * sides), basis 20 (SciPy's default ncv), start vector 1 on both sides: products, time, the
 * largest measured residual ‖Av − λv‖ and the largest distance between the i-th returned and
 * the i-th analytic eigenvalue (with multiplicity; a missed copy of a double one shows there;
 * eigs' products include its deflated search for missed copies, reported in the row)
 * λᵢⱼ = 4 + 2c − 2√(1+c)(cos iπ/(N+1) + cos jπ/(N+1)) (the operator is a Kronecker sum of
 * tridiagonal matrices similar to symmetric ones; at Péclet 100 those eigenvalues are very
 * ill-conditioned, so both methods' errors are far above their residuals).
 *
 * KRYLOV_NONSYM_N=64 for a development run on a smaller grid; `--quick` for one timed run.
 */
import { loadavg, cpus } from "node:os";
import { vec, type LinearOperator, type Vec } from "@krylov-ts/operators";
import { bicgstab, eigs, gmres, idrs, type Stats } from "@krylov-ts/krylov";
import { convectionDiffusion2d } from "../test/helpers/problems/index.js";
import { fmt, interleaved, QUICK } from "./lib.js";
import { bestPeer, PEER_THREADS, runOnce, type PeerInfo } from "./peers.js";

const RTOL = 1e-8;
const EIGS_TOL = 1e-10;

interface SolveRef {
  matvecs: number;
  iterations: number;
  info: number;
  ms: number;
  trueRelResidual: number;
}
interface ScipyOut {
  scipy: string;
  gmres: SolveRef;
  bicgstab: SolveRef;
  eigs: { matvecs: number; ms: number; re: number[]; im: number[]; maxResidual: number };
}

function trueRelResidual(A: LinearOperator, x: Vec, b: Vec): number {
  const ax = A.apply(x, vec(A.shape[0]));
  let num = 0, den = 0;
  for (let i = 0; i < A.shape[0]; i++) {
    num += ((b.data[i] as number) - (ax.data[i] as number)) ** 2;
    den += (b.data[i] as number) ** 2;
  }
  return Math.sqrt(num / den);
}

/** The N² analytic eigenvalues, largest first. */
function analytic(N: number, peclet: number): number[] {
  const h = 1 / (N + 1);
  const c = (peclet * h) / Math.SQRT2;
  const out: number[] = [];
  const cos = Array.from({ length: N }, (_, i) => Math.cos(((i + 1) * Math.PI) / (N + 1)));
  for (const a of cos) for (const d of cos) out.push(4 + 2 * c - 2 * Math.sqrt(1 + c) * (a + d));
  return out.sort((x, y) => y - x);
}

export default async function (): Promise<void> {
  const N = Number(process.env.KRYLOV_NONSYM_N ?? 256);
  for (const peclet of [10, 100]) await table(N, peclet);
}

async function table(N: number, peclet: number): Promise<void> {
  const n = N * N;
  const A = convectionDiffusion2d(N, { peclet });
  const b = vec(new Float64Array(n).fill(1));
  const runs = QUICK ? 1 : 3;
  const loadStart = loadavg().map((l) => l.toFixed(1)).join(", ");

  const solvers: Array<[string, () => { x: Vec; stats: Stats }]> = [
    ["krylov-ts gmres(30), MGS", () => gmres(A, b, { restart: 30, rtol: RTOL, orthogonalization: "mgs" })],
    ["krylov-ts gmres(30), CGS2", () => gmres(A, b, { restart: 30, rtol: RTOL, orthogonalization: "cgs2" })],
    ["krylov-ts bicgstab", () => bicgstab(A, b, { rtol: RTOL })],
    ["krylov-ts idrs(4)", () => idrs(A, b, { s: 4, rtol: RTOL })],
  ];
  const results = solvers.map(([, f]) => f());
  const times = interleaved(undefined, solvers.map(([name, f]) => ({ name, fn: () => void f() })), { rounds: runs, warmup: 0, maxTime: 0 }).map((r) => (r as { medianMs: number }).medianMs);
  const eigsRun = () => eigs(A, { k: 6, which: "largestMagnitude", tol: EIGS_TOL, maxBasis: 20, v0: b, vectors: false });
  const e = eigsRun();
  const eigsMs = (interleaved(undefined, [{ name: "eigs", fn: () => void eigsRun() }], { rounds: Math.max(1, Math.floor(runs / 2)), warmup: 0, maxTime: 0 })[0] as { medianMs: number }).medianMs;

  const refs = PEER_THREADS.map((t) => runOnce<ScipyOut>("scipy", "scipy_nonsym.py", [String(N), String(peclet), String(runs)], t));
  const best = bestPeer(refs.map((r) => (typeof r === "string" ? r : { threads: r.info.threads, info: r.info })), refs.map((r) => (typeof r === "string" ? Number.NaN : r.result.gmres.ms)));
  const bestRun = typeof best === "string" ? undefined : refs.find((r): r is { info: PeerInfo; result: ScipyOut } => typeof r !== "string" && r.info.threads === best.threads);
  const ref = bestRun?.result;

  console.log(`\n### Convection–diffusion 2-D upwind, ${N}² = ${n} unknowns, Péclet ${peclet}, b = 1\n`);
  console.log(`(load average at start ${loadStart}, at end ${loadavg().map((l) => l.toFixed(1)).join(", ")} on ${cpus().length} cores)\n`);
  for (const r of refs) {
    if (typeof r === "string") console.log(`- SciPy: ${r}`);
    else {
      const bl = r.info.blas.find((x) => x.internal_api !== undefined) ?? r.info.blas[0];
      console.log(`- SciPy ${r.info.scipy ?? "?"} / NumPy ${r.info.numpy}, ${bl?.internal_api ?? bl?.filepath ?? "?"} ${bl?.version?.split(" ").slice(0, 2).join(" ") ?? ""}, OMP/OPENBLAS_NUM_THREADS=${r.info.threads}: gmres ${fmt(r.result.gmres.ms)} ms${r.info.reference ? " — REFERENCE BLAS" : ""}`);
    }
  }
  console.log(`- time / SciPy against SciPy's best setting (${typeof best === "string" ? best : `${best.threads} thread(s)`}) for the same method\n`);
  console.log(`| solver (rtol ${RTOL}) | status | matvecs | iterations | median ms | true ‖b − Ax‖/‖b‖ | time / SciPy |`);
  console.log("|---|---|---:|---:|---:|---:|---:|");
  const row = (name: string, status: string, mv: number, it: number, ms: number, rr: number, base?: number): void =>
    console.log(`| ${name} | ${status} | ${mv} | ${it} | ${fmt(ms)} | ${rr.toExponential(2)} | ${base === undefined ? "" : (ms / base).toFixed(2)} |`);
  solvers.forEach(([name], i) => {
    const r = results[i] as { x: Vec; stats: Stats };
    const base = name.includes("gmres") ? ref?.gmres.ms : name.includes("bicgstab") ? ref?.bicgstab.ms : undefined;
    row(name, r.stats.status, r.stats.matvecs, r.stats.iterations, times[i] as number, trueRelResidual(A, r.x, b), base);
  });
  if (ref) {
    row(`SciPy ${ref.scipy} gmres(restart=30)`, `info ${ref.gmres.info}`, ref.gmres.matvecs, ref.gmres.iterations, ref.gmres.ms, ref.gmres.trueRelResidual, ref.gmres.ms);
    row(`SciPy ${ref.scipy} bicgstab`, `info ${ref.bicgstab.info}`, ref.bicgstab.matvecs, ref.bicgstab.iterations, ref.bicgstab.ms, ref.bicgstab.trueRelResidual, ref.bicgstab.ms);
  }

  const exact = analytic(N, peclet);
  // The i-th returned value against the i-th exact one (with multiplicity): a missed copy of a
  // double eigenvalue shows as an error of the size of the gap to the next value.
  const error = (re: ArrayLike<number>): number => {
    const sorted = Array.from(re).sort((x, y) => y - x);
    let worst = 0;
    for (let i = 0; i < Math.min(6, sorted.length); i++) worst = Math.max(worst, Math.abs((sorted[i] as number) - (exact[i] as number)));
    return worst;
  };
  console.log(`\n| eigs, 6 largest magnitude, tol ${EIGS_TOL}, basis 20 | status | matvecs | restarts | median ms | max ‖Av − λv‖ | max |λ − λ_exact| | time / SciPy |`);
  console.log("|---|---|---:|---:|---:|---:|---:|---:|");
  console.log(`| krylov-ts eigs (Krylov–Schur; deflated search ${e.search.matvecs} of the products, ${e.search.found} values found), ${e.re.length} values | ${e.stats.status} | ${e.stats.matvecs} | ${e.restarts} | ${fmt(eigsMs)} | ${Math.max(...e.residualNorms).toExponential(2)} | ${error(e.re).toExponential(2)} | ${ref ? (eigsMs / ref.eigs.ms).toFixed(2) : ""} |`);
  if (ref) console.log(`| SciPy ${ref.scipy} eigs (ARPACK) | — | ${ref.eigs.matvecs} | — | ${fmt(ref.eigs.ms)} | ${ref.eigs.maxResidual.toExponential(2)} | ${error(ref.eigs.re).toExponential(2)} | 1.00 |`);
  console.log(`\nanalytic top eigenvalues: ${exact.slice(0, 6).map((x) => x.toFixed(8)).join(", ")}; krylov-ts: ${Array.from(e.re, (x, i) => `${x.toFixed(8)}${e.im[i] ? `${(e.im[i] as number) > 0 ? "+" : "−"}${Math.abs(e.im[i] as number).toExponential(1)}i` : ""}`).join(", ")}`);
  if (!ref) console.log(`\nSciPy skipped: ${typeof best === "string" ? best : "no run"}`);
}
