/**
 * lanczos-kernels: the basis kernels of `lanczos` (packages/krylov/src/lanczos/kernels.ts) with the WebAssembly SIMD
 * exports of kernels.wat against their JavaScript loops (`setSimd(false)`, what
 * `KRYLOV_TS_NO_SIMD=1` does), side by side in one run, at the size of the 2-D Poisson 256²
 * benchmark: 58 columns of 65,536 (the default basis of 50, the open columns and some locked
 * vectors; 30 MB), and the thick-restart combination of 50 columns into 14. Throughput is the
 * basis bytes read over the median time. Then `lanczos` itself on that problem (k 6, valueTol
 * 1e-10, maxMultiplicity 2), with either backend: the same products and values bit for bit.
 */
import { loadavg } from "node:os";
import { rng } from "@krylov-ts/operators";
import { lanczos } from "@krylov-ts/krylov";
import { basisDots, basisSubtract, combineColumns, COMBINE_ROWS } from "../packages/krylov/src/lanczos/kernels.js";
import { setSimd, workspaceArrays } from "../packages/krylov/src/simd/backend.js";
import { poisson2d } from "../test/helpers/dense.js";
import { fmt, interleaved, median, type Case } from "./lib.js";

const n = 65536;
const cols = 58;
const used = 50;
const picks = Array.from({ length: 14 }, (_, i) => 3 * i);

/** The basis, w, h and the restart scratch on one backend, filled from the same seed. */
function operands(simd: boolean): { V: Float64Array; w: Float64Array; h: Float64Array; scratch: Float64Array } {
  setSimd(simd);
  const [V, w, h, scratch] = workspaceArrays(n, [cols * n, n, cols, (COMBINE_ROWS + used) * picks.length]) as [
    Float64Array, Float64Array, Float64Array, Float64Array,
  ];
  setSimd(true);
  const r = rng(1);
  for (let i = 0; i < V.length; i++) V[i] = r.normal() / 256;
  for (let i = 0; i < n; i++) w[i] = r.normal();
  return { V, w, h, scratch };
}

export default async function (): Promise<void> {
  console.log(`load average at the start: ${loadavg().map((x) => x.toFixed(2)).join(", ")}`);
  const S = new Float64Array(used * used).map((_, i) => Math.sin(i));
  const Y = new Float64Array(picks.length * n);
  const put = (c: number, r0: number, block: Float64Array): void => Y.set(block, c * n + r0);
  const cases: Case[] = [];
  for (const simd of [false, true]) {
    const { V, w, h, scratch } = operands(simd);
    const tag = simd ? "SIMD" : "JavaScript";
    cases.push({ name: `basisDots, ${tag}`, fn: () => basisDots(V, 0, cols, n, w, h) });
    // Tiny coefficients keep w bounded over the repetitions.
    cases.push({ name: `basisSubtract, ${tag}`, fn: () => { h.fill(1e-300); basisSubtract(V, 0, cols, n, w, h); } });
    cases.push({ name: `restart combination 50 → 14, ${tag}`, fn: () => combineColumns(V, n, used, S, used, picks, scratch, put) });
  }
  const rows = interleaved(undefined, cases, { rounds: 10, warmup: 2, maxTime: 0.05 });
  console.log("\n| kernel | backend | median (ms) | GB/s of basis read |\n|---|---|---:|---:|");
  for (const row of rows) {
    const [kernel, backend] = row.name.split(", ") as [string, string];
    const bytes = (kernel.startsWith("restart") ? used : cols) * n * 8;
    console.log(`| ${kernel} | ${backend} | ${fmt(row.medianMs)} | ${(bytes / row.medianMs / 1e6).toFixed(1)} |`);
  }

  const P = poisson2d(256);
  const options = { k: 6, valueTol: 1e-10, maxMultiplicity: 2 };
  const times: [number[], number[]] = [[], []];
  const products: number[][] = [[], []];
  for (let round = 0; round < 3; round++) {
    for (const [b, simd] of [false, true].entries()) {
      setSimd(simd);
      const t0 = performance.now();
      const r = lanczos(P, options);
      (times[b] as number[]).push(performance.now() - t0);
      (products[b] as number[]).push(r.stats.matvecs);
      setSimd(true);
    }
  }
  console.log("\n| lanczos, Poisson 256², k 6, valueTol 1e-10, maxMultiplicity 2 | matvecs | median time (ms, 3 runs) |\n|---|---:|---:|");
  for (const [b, name] of ["JavaScript kernels", "SIMD kernels"].entries()) {
    console.log(`| ${name} | ${(products[b] as number[])[0]} | ${fmt(median(times[b] as number[]))} |`);
  }
  console.log(`load average at the end: ${loadavg().map((x) => x.toFixed(2)).join(", ")}`);
}
