/**
 * The dense matrix product split over the worker pool (private to the package): C is cut into
 * as many parts as threads, by rows (at multiples of MR = 6, the micro-kernel's tile height)
 * when op(A) has at least as many rows as op(B) has columns, else by columns (at multiples of
 * NR = 4), and each part is one call of the WebAssembly `gemm` export on a memory shared with
 * the workers, with a work area of its own.
 *
 * Each entry of C is summed in the same order whatever part it falls in (gemm.wat: blocks of KC
 * values of p from p = 0, each summed from 0 in increasing p, then stored or added), so a split
 * product has the bits of the whole call, for any number of threads.
 *
 * Each part packs its own panels: split by rows, every part packs all of op(B) (k·n values), so
 * the packing a part does grows from m·k + k·n / P… to m·k / P + k·n; negligible against its
 * 2·m·n·k / P flops unless m is small, which is why the split follows the longer side of C.
 *
 * @module
 */
import { jobArguments, runJob, sharedModule, instanceOn as poolInstanceOn, threads, type SharedInstance, type SharedModule } from "../pool/pool.js";
import { gemmWasmModule, type GemmMemory, type WasmKernelBackend } from "./backend.js";

/** Rows and columns of the micro-kernel's tile (gemm.wat). */
const MR = 6;
const NR = 4;

/**
 * Fewest multiply-adds (m·n·k) a product needs to split. A product of 2²⁰ multiply-adds takes
 * ≈ 80–100 µs on one thread (≈ 20–25 GFLOP/s), a few times what waking a sleeping worker costs
 * (≈ 20–60 µs), so the second thread has room to pay.
 */
export const DEFAULT_MIN_SPLIT_SIZE = 2 ** 20;
let minSplitSize = DEFAULT_MIN_SPLIT_SIZE;

/** Sets the fewest multiply-adds for which a product splits (the tests lower it); returns the previous value. */
export function setGemmSplitThreshold(minimumSize = DEFAULT_MIN_SPLIT_SIZE): number {
  const previous = minSplitSize;
  minSplitSize = Math.max(1, minimumSize);
  return previous;
}

/**
 * Into how many parts an m×n×k product on memory `g` splits now: 1 when the memory is not
 * shared, the pool has one thread or the product is below the threshold; else the number of
 * threads, at most the parts C has (tiles of MR rows or NR columns).
 */
export function gemmParts(g: GemmMemory | undefined, m: number, n: number, k: number): number {
  if (g !== undefined && !g.shared) return 1;
  if (m * n * k < minSplitSize) return 1;
  const t = threads();
  if (t <= 1) return 1;
  const tiles = m >= n ? Math.ceil(m / MR) : Math.ceil(n / NR);
  return Math.max(1, Math.min(t, tiles));
}

const modules: Partial<Record<WasmKernelBackend, SharedModule | null>> = {};
const instances = new WeakMap<GemmMemory, Partial<Record<WasmKernelBackend, SharedInstance>>>();

function poolInstance(g: GemmMemory, backend: WasmKernelBackend): SharedInstance | undefined {
  let module = modules[backend];
  if (module === undefined) {
    const compiled = gemmWasmModule(backend, true);
    module = (compiled !== undefined ? sharedModule(compiled, ["gemm"]) : undefined) ?? null;
    modules[backend] = module;
  }
  if (module === null) return undefined;
  let byBackend = instances.get(g);
  if (byBackend === undefined) {
    byBackend = {};
    instances.set(g, byBackend);
  }
  let instance = byBackend[backend];
  if (instance === undefined) {
    instance = poolInstanceOn(module, g.memory);
    byBackend[backend] = instance;
  }
  return instance;
}

/**
 * C = op(A)·op(B) (beta 0) or C += op(A)·op(B) (beta 1) on the shared memory `g` (byte offsets
 * a, b, c; element strides as in gemm.wat), in `parts` parts (from {@link gemmParts}) run over
 * the pool; part j uses the work area at byte `work[j]`. Returns false (nothing done) when the
 * pool cannot run this backend's module, and the caller then makes one call.
 */
export function gemmSplit(
  g: GemmMemory, backend: WasmKernelBackend, parts: number,
  m: number, n: number, k: number, a: number, rsa: number, csa: number, b: number, rsb: number, csb: number,
  c: number, ldc: number, beta: number, work: readonly number[],
): boolean {
  const instance = poolInstance(g, backend);
  if (instance === undefined) return false;
  const args = jobArguments();
  const byRows = m >= n;
  const size = byRows ? m : n;
  const tile = byRows ? MR : NR;
  const step = Math.ceil(Math.ceil(size / parts) / tile) * tile;
  let chunks = 0;
  for (let lo = 0; lo < size; lo += step, chunks++) {
    const len = Math.min(step, size - lo);
    const at = 13 * chunks;
    if (byRows) {
      args[at] = len;
      args[at + 1] = n;
      args[at + 3] = a + 8 * lo * rsa;
      args[at + 6] = b;
      args[at + 9] = c + 8 * lo * ldc;
    } else {
      args[at] = m;
      args[at + 1] = len;
      args[at + 3] = a;
      args[at + 6] = b + 8 * lo * csb;
      args[at + 9] = c + 8 * lo;
    }
    args[at + 2] = k;
    args[at + 4] = rsa;
    args[at + 5] = csa;
    args[at + 7] = rsb;
    args[at + 8] = csb;
    args[at + 10] = ldc;
    args[at + 11] = beta;
    args[at + 12] = work[chunks] as number;
  }
  runJob(instance, 0, 13, chunks);
  return true;
}
