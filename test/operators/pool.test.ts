/**
 * The worker pool: the public switch, lazy start, prompt exit of a process that used it, no
 * worker in a process that never did, the single-thread fallback without shared memory, no
 * growth of workers over many calls and switches, and the shared variant of a module's bytes.
 */
import test from "ava";
import { CsrOperator, csr, setThreads, threads, vec } from "@krylov-ts/operators";
import { availableParallelism } from "node:os";
import { CSR_WASM_BASE64 } from "../../packages/operators/src/csr-wasm-bytes.js";
import { setCsrSplitThreshold } from "../../packages/operators/src/csr-wasm.js";
import { jobArguments, MAX_DEFAULT_THREADS, poolSupported, runJob, runningWorkers, sharedInstance, sharedModule } from "../../packages/operators/src/pool/pool.js";
import { sharedVariant } from "../../packages/operators/src/pool/shared-wasm.js";
import { readFileSync } from "node:fs";
import path from "node:path";
import { WORKER_SOURCE } from "../../packages/operators/src/pool/worker-source.js";
import { repoRoot, runModuleScript } from "../helpers/backends.js";

/** A script's preamble: a 512×512 tridiagonal-like CSR matrix `A` of 2,046 entries and a vector `x`. */
const MATRIX = `
import { csr, vec, setThreads, threads } from "@krylov-ts/operators";
import { setCsrSplitThreshold } from "./packages/operators/src/csr-wasm.ts";
import { chunksRunByWorkers, poolSupported, runningWorkers } from "./packages/operators/src/pool/pool.ts";
const n = 512, rows = [], cols = [], vals = [];
for (let i = 0; i < n; i++) for (let j = Math.max(0, i - 1); j <= Math.min(n - 1, i + 1); j++) { rows.push(i); cols.push(j); vals.push(i === j ? 2 + i / n : -1); }
const x = vec(Float64Array.from({ length: n }, (_, i) => Math.sin(i)));
`;

test("setThreads rejects a count that is not an integer in 1…64, naming itself and the value", (t) => {
  for (const bad of [0, -1, 1.5, 65, Number.NaN]) {
    const e = t.throws(() => setThreads(bad), { instanceOf: RangeError });
    t.regex(e?.message ?? "", /^setThreads: n must be an integer in 1…64/);
  }
});

test.serial("threads() defaults to the cores (at most 8), follows setThreads and returns the previous count", (t) => {
  if (!poolSupported()) {
    t.is(threads(), 1);
    return;
  }
  t.is(threads(), Math.min(MAX_DEFAULT_THREADS, availableParallelism()));
  const before = threads();
  t.is(setThreads(3), before);
  t.is(threads(), 3);
  t.is(setThreads(undefined), 3);
  t.is(threads(), before);
});

test.serial("no worker starts at load or for products below the split threshold", (t) => {
  const A = csr([0, 1, 1], [0, 0, 1], [2, 1, 3], [2, 2]);
  A.apply(vec([1, 1]));
  t.is(runningWorkers(), 0);
});

test.serial("a process that never splits a product starts no worker and exits by itself", (t) => {
  const out = runModuleScript(t, `${MATRIX}
const A = csr(rows, cols, vals, [n, n]);
for (let r = 0; r < 100; r++) A.apply(x);
await new Promise((r) => setTimeout(r, 50));
console.log(runningWorkers(), threads());`, {});
  t.is(out.split(" ")[0], "0");
});

test.serial("a process whose products ran on workers exits by itself, the workers still running", (t) => {
  const out = runModuleScript(t, `${MATRIX}
setCsrSplitThreshold(1);
setThreads(2);
const A = csr(rows, cols, vals, [n, n]);
for (let r = 0; r < 2000 && chunksRunByWorkers() === 0; r++) { A.apply(x); await new Promise((r) => setTimeout(r, 2)); }
console.log(poolSupported() ? (runningWorkers() === 1 && chunksRunByWorkers() > 0 ? "ran" : "did not run") : "unsupported");`, {});
  t.not(out, "did not run");
});

test.serial("without SharedArrayBuffer the pool is off: one thread, no worker, the same bits", (t) => {
  const script = (drop: boolean): string => `${drop ? "delete globalThis.SharedArrayBuffer;" : ""}
const { csr, vec, setThreads, threads } = await import("@krylov-ts/operators");
const { setCsrSplitThreshold } = await import("./packages/operators/src/csr-wasm.ts");
const { poolSupported, runningWorkers, chunksRunByWorkers } = await import("./packages/operators/src/pool/pool.ts");
setCsrSplitThreshold(1);
setThreads(2);
const n = 3000, rows = [], cols = [], vals = [];
for (let i = 0; i < n; i++) for (let j = Math.max(0, i - 2); j <= Math.min(n - 1, i + 2); j++) { rows.push(i); cols.push(j); vals.push(Math.cos(i * 7 + j)); }
const A = csr(rows, cols, vals, [n, n]);
const x = vec(Float64Array.from({ length: n }, (_, i) => Math.sin(i)));
let y = A.apply(x);
for (let r = 0; r < 2000 && !${drop} && chunksRunByWorkers() === 0; r++) { y = A.apply(x); await new Promise((r) => setTimeout(r, 2)); }
const bits = Buffer.from(y.data.buffer, y.data.byteOffset, y.data.byteLength).toString("base64");
console.log(JSON.stringify({ supported: poolSupported(), threads: threads(), workers: runningWorkers(), backend: A.backend, bits }));`;
  const without = JSON.parse(runModuleScript(t, script(true), {})) as { supported: boolean; threads: number; workers: number; backend: string; bits: string };
  t.false(without.supported);
  t.is(without.threads, 1);
  t.is(without.workers, 0);
  t.is(without.backend, "wasm", "the plain WebAssembly backend still runs");
  const withPool = JSON.parse(runModuleScript(t, script(false), {})) as typeof without;
  t.is(withPool.bits, without.bits);
});

test.serial("many split products and switches of the thread count keep at most threads() − 1 workers", async (t) => {
  if (!poolSupported()) {
    t.pass();
    return;
  }
  const previousSplit = setCsrSplitThreshold(1);
  const previousWasm = CsrOperator.setWasm(true, 1);
  try {
    const n = 2000;
    const rows: number[] = [], cols: number[] = [], vals: number[] = [];
    for (let i = 0; i < n; i++) for (let j = Math.max(0, i - 3); j <= Math.min(n - 1, i + 3); j++) {
      rows.push(i);
      cols.push(j);
      vals.push(1 / (1 + i + j));
    }
    const x = vec(new Float64Array(n).fill(1));
    let most = 0;
    for (let round = 0; round < 10; round++) {
      setThreads(round % 3 === 2 ? 1 : round % 3 === 0 ? 2 : 3);
      const A = csr(rows, cols, vals, [n, n]); // a new shared memory every round (the old ones are forgotten)
      for (let r = 0; r < 100; r++) {
        A.apply(x);
        most = Math.max(most, runningWorkers());
      }
      t.is(runningWorkers(), threads() - 1, `round ${round}`);
      await new Promise((r) => setTimeout(r, 1));
    }
    t.true(most <= 2);
  } finally {
    setThreads(undefined);
    CsrOperator.setWasm(previousWasm);
    setCsrSplitThreshold(previousSplit);
  }
});

test("sharedVariant declares the imported memory shared by one byte and refuses a memory without a maximum", (t) => {
  const bytes = Uint8Array.from(atob(CSR_WASM_BASE64), (c) => c.charCodeAt(0));
  const shared = sharedVariant(bytes);
  t.truthy(shared);
  const s = shared as Uint8Array;
  t.is(s.length, bytes.length);
  const differ = [...s.keys()].filter((i) => s[i] !== bytes[i]);
  t.is(differ.length, 1);
  t.is(bytes[differ[0] as number], 1);
  t.is(s[differ[0] as number], 3);
  // (module (import "env" "memory" (memory 1))): limits flag 0, no maximum.
  const noMaximum = Uint8Array.from([0, 97, 115, 109, 1, 0, 0, 0, 2, 15, 1, 3, 101, 110, 118, 6, 109, 101, 109, 111, 114, 121, 2, 0, 1]);
  t.is(sharedVariant(noMaximum), undefined);
});

test.serial("a chunk that traps makes runJob throw, and the next job runs whole", (t) => {
  if (!poolSupported()) {
    t.pass();
    return;
  }
  setThreads(2);
  try {
    const module = sharedModule(sharedVariant(Uint8Array.from(atob(CSR_WASM_BASE64), (c) => c.charCodeAt(0))) as Uint8Array, ["spmv"]);
    const instance = module === undefined ? undefined : sharedInstance(module, 65536);
    if (instance === undefined) return t.fail("no shared instance");
    // One row per chunk: rp = [0, 1, 2, 3, 4] at byte 0, ci = [0, 1, 2, 3] at 64, v = [1, 2, 3, 4] at 128, x at 192, y at 256.
    const memory = instance.buffer;
    new Int32Array(memory, 0, 5).set([0, 1, 2, 3, 4]);
    new Int32Array(memory, 64, 4).set([0, 1, 2, 3]);
    new Float64Array(memory, 128, 4).set([1, 2, 3, 4]);
    new Float64Array(memory, 192, 4).set([10, 20, 30, 40]);
    const y = new Float64Array(memory, 256, 4);
    const fill = (bad: number): void => {
      const args = jobArguments();
      for (let r = 0; r < 4; r++) args.set([4 * r, 64, 128, 192, r === bad ? 2 ** 31 - 8 : 256 + 8 * r, 1], 6 * r);
    };
    fill(2);
    const e = t.throws(() => runJob(instance, 0, 6, 4));
    t.regex(e?.message ?? "", /^runJob: a chunk of spmv threw/);
    y.fill(0);
    fill(-1);
    runJob(instance, 0, 6, 4);
    t.deepEqual([...y], [10, 40, 90, 160]);
  } finally {
    setThreads(undefined);
  }
});

test("the browser's worker file is the worker source verbatim", (t) => {
  const file = readFileSync(path.join(repoRoot, "packages/operators/src/pool/krylov-pool-worker.js"), "utf8");
  t.is(file, WORKER_SOURCE, "copy WORKER_SOURCE (pool/worker-source.ts) into pool/krylov-pool-worker.js");
});
