/**
 * Our side of bench/growth.bench.ts, in a fresh process so that its peak resident set is this
 * problem's: `hessianOperator` of the MLP d → h → c (batch B, bench/mlp.ts's seeded data), one
 * warm-up product, then the median of RUNS products.
 *
 * Usage: node --conditions=source --import=tsx bench/growth-child.ts d h c B RUNS
 * Prints one JSON line {n, baselineRssMb, peakRssMb, heapMb, buildMs, hvMs}: the baseline is the
 * resident set after the imports, the peak `resourceUsage().maxRSS` after the runs.
 */
import { vec } from "@krylov-ts/operators";
import { hessianOperator } from "@krylov-ts/autodiff";
import { median } from "./lib.js";
import { mlpData, mlpLoss } from "./mlp.js";

const baselineRssMb = process.memoryUsage().rss / 2 ** 20;
const [d, h, c, B, runs] = process.argv.slice(2, 7).map(Number) as [number, number, number, number, number];
const t0 = performance.now();
const m = mlpData(d, h, c, B, 42);
const H = hessianOperator(mlpLoss(m), m.x0);
const v = vec(m.v);
const out = vec(m.n);
const buildMs = performance.now() - t0;
H.apply(v, out);
const ts: number[] = [];
for (let r = 0; r < runs; r++) {
  const t = performance.now();
  H.apply(v, out);
  ts.push(performance.now() - t);
}
console.log(JSON.stringify({
  n: m.n,
  baselineRssMb,
  peakRssMb: process.resourceUsage().maxRSS / 1024,
  heapMb: process.memoryUsage().heapUsed / 2 ** 20,
  buildMs,
  hvMs: median(ts),
}));
