/**
 * Level-1 vector kernels at n = 10⁶: krylov-ts against a plain `for` loop over the
 * Float64Array (the target: ≥ 0.9× its throughput) and against ndarray-ops and
 * ndarray-blas-level1 where they have the operation, side by side in one run.
 *
 * The plain loop is an ordinary function taking the Float64Arrays as arguments, which is
 * what a library kernel (or a solver) can be. For reference, the same loop written inline in
 * the timed closure over this module's constant arrays is also shown: V8 then embeds the
 * arrays as constants (their data pointer and length known at compile time, bounds checks
 * removed), which no function receiving its vectors as arguments can match.
 */
import { createRequire } from "node:module";
import ndarray from "ndarray";
import type { NdArray } from "ndarray";
import ops from "ndarray-ops";
import { axpy, copy, dot, fill, nrm2, rng, scal, type Vec } from "@krylov-ts/operators";
import { dotN, normN } from "../packages/krylov/src/kernels.js";
import { fmt, interleaved, type Case, type Row } from "./lib.js";

/** The part of ndarray-blas-level1 used here (the package ships no types). */
interface Blas1 {
  dot(x: NdArray, y: NdArray): number;
  axpy(alpha: number, x: NdArray, y: NdArray): void;
  scal(alpha: number, x: NdArray): void;
  nrm2(x: NdArray): number;
  copy(x: NdArray, y: NdArray): void;
}
const blas1 = createRequire(import.meta.url)("ndarray-blas-level1") as Blas1;

const N = 1_000_000;

// The plain loops: ordinary functions over Float64Array arguments, as any caller would write them.
function loopDot(x: Float64Array, y: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += (x[i] as number) * (y[i] as number);
  return s;
}
function loopAxpy(alpha: number, x: Float64Array, y: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) y[i] = (y[i] as number) + alpha * (x[i] as number);
}
function loopScal(alpha: number, x: Float64Array, out: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) out[i] = alpha * (x[i] as number);
}
function loopNrm2(x: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) {
    const v = x[i] as number;
    s += v * v;
  }
  return Math.sqrt(s);
}
function loopCopy(x: Float64Array, out: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) out[i] = x[i] as number;
}
function loopFill(c: number, out: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) out[i] = c;
}

export default async function (): Promise<void> {
  const x: Vec = rng(1).normalVec(N);
  const y: Vec = rng(2).normalVec(N);
  const out: Vec = ndarray(new Float64Array(N), [N]);
  const xd = x.data;
  const yd = y.data;
  const od = out.data;
  let sink = 0;
  // Alternating signs keep in-place axpy and scal bounded over many repetitions.
  let alpha = 1e-3;
  const flip = (): number => (alpha = -alpha);

  const kernels: Array<{ name: string; cases: Case[] }> = [
    {
      name: "dot",
      cases: [
        { name: "plain loop", fn: () => { sink += loopDot(xd, yd, N); } },
        { name: "krylov-ts dot", fn: () => { sink += dot(x, y); } },
        { name: "loop inlined on constant arrays", fn: () => { let s = 0; for (let i = 0; i < N; i++) s += (xd[i] as number) * (yd[i] as number); sink += s; } },
        { name: "ndarray-blas-level1 dot", fn: () => { sink += blas1.dot(x, y); } },
      ],
    },
    {
      name: "axpy (y ← αx + y)",
      cases: [
        { name: "plain loop", fn: () => { loopAxpy(flip(), xd, yd, N); } },
        { name: "krylov-ts axpy", fn: () => { axpy(flip(), x, y); } },
        { name: "loop inlined on constant arrays", fn: () => { const a = flip(); for (let i = 0; i < N; i++) yd[i] = (yd[i] as number) + a * (xd[i] as number); } },
        { name: "ndarray-blas-level1 axpy", fn: () => { blas1.axpy(flip(), x, y); } },
      ],
    },
    {
      name: "scal (out ← αx)",
      cases: [
        { name: "plain loop", fn: () => { loopScal(flip(), xd, od, N); } },
        { name: "krylov-ts scal", fn: () => { scal(flip(), x, out); } },
        { name: "loop inlined on constant arrays", fn: () => { const a = flip(); for (let i = 0; i < N; i++) od[i] = a * (xd[i] as number); } },
        { name: "ndarray-ops muls", fn: () => { ops.muls(out, x, flip()); } },
        { name: "ndarray-blas-level1 cpsc", fn: () => { (blas1 as unknown as { cpsc(a: number, x: NdArray, y: NdArray): void }).cpsc(flip(), x, out); } },
      ],
    },
    {
      name: "nrm2",
      cases: [
        { name: "plain loop", fn: () => { sink += loopNrm2(xd, N); } },
        { name: "krylov-ts nrm2", fn: () => { sink += nrm2(x); } },
        { name: "loop inlined on constant arrays", fn: () => { let s = 0; for (let i = 0; i < N; i++) { const v = xd[i] as number; s += v * v; } sink += Math.sqrt(s); } },
        { name: "ndarray-ops norm2", fn: () => { sink += ops.norm2(x); } },
        { name: "ndarray-blas-level1 nrm2", fn: () => { sink += blas1.nrm2(x); } },
        // The solvers' own norm (issue 9: overflow/underflow-safe, "one comparison" on the fast path)
        // against the unsafe √(x·x) of the same dot kernel.
        { name: "solver normN (safe)", fn: () => { sink += normN(xd, N); } },
        { name: "solver √dotN (unsafe)", fn: () => { sink += Math.sqrt(dotN(xd, xd, N)); } },
      ],
    },
    {
      name: "copy (out ← x)",
      cases: [
        { name: "plain loop", fn: () => { loopCopy(xd, od, N); } },
        { name: "krylov-ts copy", fn: () => { copy(x, out); } },
        { name: "loop inlined on constant arrays", fn: () => { for (let i = 0; i < N; i++) od[i] = xd[i] as number; } },
        { name: "ndarray-ops assign", fn: () => { ops.assign(out, x); } },
        { name: "ndarray-blas-level1 copy", fn: () => { blas1.copy(x, out); } },
      ],
    },
    {
      name: "fill (out ← c)",
      cases: [
        { name: "plain loop", fn: () => { loopFill(flip(), od, N); } },
        { name: "krylov-ts fill", fn: () => { fill(flip(), out); } },
        { name: "loop inlined on constant arrays", fn: () => { const c = flip(); for (let i = 0; i < N; i++) od[i] = c; } },
        { name: "ndarray-ops assigns", fn: () => { ops.assigns(out, flip()); } },
      ],
    },
  ];

  const summary: Array<{ kernel: string; rows: Row[] }> = [];
  for (const k of kernels) summary.push({ kernel: k.name, rows: interleaved(`${k.name}, n = 10⁶`, k.cases) });

  console.log("\n### Vector kernels at n = 10⁶: throughput relative to the plain loop (higher is faster; target ≥ 0.9 for krylov-ts)\n");
  console.log("| kernel | plain loop (ms) | krylov-ts | ndarray-ops | ndarray-blas-level1 | loop inlined on constant arrays |");
  console.log("|---|---:|---:|---:|---:|---:|");
  for (const { kernel, rows } of summary) {
    const base = (rows[0] as Row).medianMs;
    const ratio = (prefix: string): string => {
      const r = rows.find((row) => row.name.startsWith(prefix));
      return r === undefined ? "—" : `${(base / r.medianMs).toFixed(2)}×`;
    };
    console.log(`| ${kernel} | ${fmt(base)} | ${ratio("krylov-ts")} | ${ratio("ndarray-ops")} | ${ratio("ndarray-blas-level1")} | ${ratio("loop inlined")} |`);
  }
  const nr = summary.find((x) => x.kernel === "nrm2")?.rows ?? [];
  const safe = nr.find((r) => r.name.startsWith("solver normN"));
  const unsafe = nr.find((r) => r.name.startsWith("solver √dotN"));
  if (safe && unsafe) {
    console.log(`\nsolvers' overflow-safe normN ${fmt(safe.medianMs)} ms against √dotN ${fmt(unsafe.medianMs)} ms at n = 10⁶ (time ratio ${(safe.medianMs / unsafe.medianMs).toFixed(3)})`);
  }
  if (sink === 42) console.log("");
}
