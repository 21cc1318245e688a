/**
 * Our side of bench/growth.bench.ts, in a fresh process so that its peak resident set is this
 * problem's: `hessianOperator` of the MLP d → h → c (batch B, bench/mlp.ts's seeded data),
 * warm-up products for 0.5 s (at least one), then the median of RUNS products.
 *
 * Usage: node --conditions=source --import=tsx bench/growth-child.ts d h c B RUNS THREADS
 * (THREADS: `setThreads` of the worker pool)
 * Prints one JSON line {n, baselineRssMb, peakRssMb, heapMb, buildMs, hvMs, hvCpuMs}: the baseline is the
 * resident set after the imports, the peak `resourceUsage().maxRSS` after the runs.
 */
import { setThreads, vec } from "@krylov-ts/operators";
import { hessianOperator } from "@krylov-ts/autodiff";
import { median } from "./lib.js";
import { mlpData, mlpLoss } from "./mlp.js";

const baselineRssMb = process.memoryUsage().rss / 2 ** 20;
const [d, h, c, B, runs, threads] = process.argv.slice(2, 8).map(Number) as [number, number, number, number, number, number];
setThreads(Number.isInteger(threads) ? threads : undefined); // no THREADS: the default
const t0 = performance.now();
const m = mlpData(d, h, c, B, 42);
const H = hessianOperator(mlpLoss(m), m.x0);
const v = vec(m.v);
const out = vec(m.n);
const buildMs = performance.now() - t0;
// Warm-up: at least one product and 0.5 s of them, so that V8 has optimized the kernels.
const warmEnd = performance.now() + 500;
do H.apply(v, out);
while (performance.now() < warmEnd);
const ts: number[] = [];
const cs: number[] = [];
for (let r = 0; r < runs; r++) {
  const c = process.cpuUsage();
  const t = performance.now();
  H.apply(v, out);
  ts.push(performance.now() - t);
  const d = process.cpuUsage(c);
  cs.push((d.user + d.system) / 1e3);
}
console.log(JSON.stringify({
  n: m.n,
  baselineRssMb,
  peakRssMb: process.resourceUsage().maxRSS / 1024,
  heapMb: process.memoryUsage().heapUsed / 2 ** 20,
  buildMs,
  hvMs: median(ts),
  hvCpuMs: median(cs),
}));
