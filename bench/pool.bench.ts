/**
 * The worker pool: each kernel that splits, on one thread and on two, interleaved in the same
 * rounds (the workers stay up; the one-thread case raises the kernel's split threshold out of
 * reach, so no restart is timed):
 * - the dense products of the benchmark MLPs (784→256→10 and 100→64→10 at batch 256, the
 *   forward and both VJP products of each layer, operands in an arena as in a compiled plan),
 *   on the fastest WebAssembly backend, in GFLOP/s (2mnk / median time);
 * - the CSR product on the 2-D Poisson 5-point matrices of 256² and 512² unknowns;
 * - one classical Gram–Schmidt pass (g = Vᵀw, w ← w − V·g) against 30 Lanczos basis columns of
 *   length 2¹⁶ and 2¹⁸, in GB/s of basis read twice.
 * `--quick`: fewer rounds.
 */
import { availableKernelBackends, csr, gemm, gemmArena, rng, setKernelBackend, setThreads, threads, vec, type CsrOperator } from "@krylov-ts/operators";
import { loadavg } from "node:os";
import { setCsrSplitThreshold } from "../packages/operators/src/csr-wasm.js";
import { setGemmSplitThreshold } from "../packages/operators/src/gemm/split.js";
import { chunksRunByWorkers } from "../packages/operators/src/pool/pool.js";
import { basisDots, basisSubtract, setSweepSplitThreshold } from "../packages/krylov/src/lanczos/kernels.js";
import { workspaceArrays } from "../packages/krylov/src/simd/backend.js";
import { interleaved, QUICK, type Row } from "./lib.js";

const NEVER = 2 ** 52;

interface Kernel {
  name: string;
  /** Work of one call, for the rate column (flops or bytes). */
  work: number;
  unit: string;
  run: () => void;
  /** Makes the next calls run on one thread (true) or split (false). */
  oneThread: (on: boolean) => void;
}

function gemmKernel(name: string, m: number, n: number, k: number, tA: boolean, tB: boolean): Kernel {
  const r = rng(3);
  const [A, B, C] = gemmArena([m * k, k * n, m * n]) as [Float64Array, Float64Array, Float64Array];
  for (let i = 0; i < A.length; i++) A[i] = r.normal();
  for (let i = 0; i < B.length; i++) B[i] = r.normal();
  const rsa = tA ? 1 : k, csa = tA ? m : 1, rsb = tB ? 1 : n, csb = tB ? k : 1;
  return {
    name: `${name} (${m}×${k}${tA ? "ᵀ" : ""}·${k}×${n}${tB ? "ᵀ" : ""})`,
    work: 2 * m * n * k,
    unit: "GFLOP/s",
    run: () => void gemm(m, n, k, A, 0, rsa, csa, B, 0, rsb, csb, C, 0, n, 0),
    oneThread: (on) => void setGemmSplitThreshold(on ? NEVER : undefined),
  };
}

function poisson(N: number): CsrOperator {
  const rows: number[] = [], cols: number[] = [], values: number[] = [];
  for (let a = 0; a < N; a++) {
    for (let b = 0; b < N; b++) {
      const i = a * N + b;
      const put = (j: number, v: number): void => {
        rows.push(i);
        cols.push(j);
        values.push(v);
      };
      if (a > 0) put(i - N, -1);
      if (b > 0) put(i - 1, -1);
      put(i, 4);
      if (b < N - 1) put(i + 1, -1);
      if (a < N - 1) put(i + N, -1);
    }
  }
  return csr(rows, cols, values, [N * N, N * N]);
}

function csrKernel(N: number): Kernel {
  const A = poisson(N);
  const x = vec(Float64Array.from({ length: N * N }, (_, i) => Math.sin(i)));
  const y = vec(new Float64Array(N * N));
  return {
    name: `CSR A·x, Poisson ${N}² (${A.nnz} entries)`,
    work: 2 * A.nnz,
    unit: "GFLOP/s",
    run: () => void A.apply(x, y),
    oneThread: (on) => void setCsrSplitThreshold(on ? NEVER : undefined),
  };
}

function sweepKernel(n: number, cols: number): Kernel {
  const [V, w, g] = workspaceArrays(n, [cols * n, n, cols]) as [Float64Array, Float64Array, Float64Array];
  const r = rng(5);
  for (let i = 0; i < V.length; i++) V[i] = r.normal() / Math.sqrt(n);
  const w0 = Float64Array.from({ length: n }, () => r.normal());
  return {
    name: `CGS pass, ${cols} columns of ${n}`,
    work: 2 * 8 * cols * n,
    unit: "GB/s",
    run: () => {
      w.set(w0);
      basisDots(V, 0, cols, n, w, g);
      basisSubtract(V, 0, cols, n, w, g);
    },
    oneThread: (on) => void setSweepSplitThreshold(on ? NEVER : undefined),
  };
}

export default async function main(): Promise<void> {
  const backends = availableKernelBackends();
  setKernelBackend(backends[backends.length - 1] as (typeof backends)[number]);
  setThreads(2);
  const load = (): string => loadavg().map((l) => l.toFixed(2)).join(", ");
  console.log(`Kernels on 1 and 2 threads (threads() default ${threads()}), gemm backend ${backends[backends.length - 1]}, load ${load()}`);
  const kernels: Kernel[] = [
    gemmKernel("784→256 L1 X·W", 256, 256, 784, false, false),
    gemmKernel("784→256 L1 G·Wᵀ", 256, 784, 256, false, true),
    gemmKernel("784→256 L1 Xᵀ·G", 784, 256, 256, true, false),
    gemmKernel("784→256 L2 X·W", 256, 10, 256, false, false),
    gemmKernel("784→256 L2 G·Wᵀ", 256, 256, 10, false, true),
    gemmKernel("784→256 L2 Xᵀ·G", 256, 10, 256, true, false),
    gemmKernel("100→64 L1 X·W", 256, 64, 100, false, false),
    gemmKernel("100→64 L1 G·Wᵀ", 256, 100, 64, false, true),
    gemmKernel("100→64 L1 Xᵀ·G", 100, 64, 256, true, false),
    gemmKernel("square 1000", 1000, 1000, 1000, false, false),
    csrKernel(256),
    csrKernel(512),
    sweepKernel(2 ** 16, 30),
    sweepKernel(2 ** 18, 30),
  ];
  // Start the worker before timing (it boots asynchronously).
  for (let i = 0; i < 2000 && chunksRunByWorkers() === 0; i++) {
    (kernels[kernels.length - 1] as Kernel).run();
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  console.log("\n| kernel | 1 thread | 2 threads | unit | time 2 / time 1 |\n|---|---:|---:|---|---:|");
  for (const k of kernels) {
    const rows: Row[] = interleaved(undefined, [
      { name: "1", fn: () => { k.oneThread(true); k.run(); } },
      { name: "2", fn: () => { k.oneThread(false); k.run(); } },
    ], { rounds: QUICK ? 3 : 10, warmup: 1, maxTime: QUICK ? 0.03 : 0.08 });
    k.oneThread(false);
    const [one, two] = rows as [Row, Row];
    const rate = (ms: number): string => (k.work / ms / 1e6).toFixed(1);
    console.log(`| ${k.name} | ${rate(one.medianMs)} | ${rate(two.medianMs)} | ${k.unit} | ${(two.medianMs / one.medianMs).toFixed(2)} |`);
  }
  console.log(`\nload after: ${load()}`);
  setThreads(undefined);
}
