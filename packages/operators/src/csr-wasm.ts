/**
 * The WebAssembly backend of the CSR products (private to the package): the module of csr.wat,
 * the placement of a CSR matrix in a `WebAssembly.Memory` of its own, and the switch between
 * this backend and the JavaScript loops of csr.ts.
 *
 * `csr(...)` asks {@link placeCsr} for storage: with the backend on and the matrix large
 * enough, the operator's `rowPointers`, `colIndices` and `values` are Int32Array/Float64Array
 * views into one memory created for that operator (sized once for the matrix and an input and
 * an output vector, never grown, so the views never detach), on which an instance of the
 * module runs. Each product copies x into the memory, runs the kernel and copies y out, except
 * for vectors in a region the memory hosts for a solver's workspace ({@link hostRegion}: a
 * shared placement grows for them), which the kernel reads and writes in place. The
 * kernels add in the order of the JavaScript loops, so both backends give the same bits; the
 * JavaScript loops run over the same views when the backend is switched off at run time.
 *
 * The backend is on when `WebAssembly.validate` accepts the module (every runtime with
 * WebAssembly: the module uses no SIMD) and the environment variable `KRYLOV_TS_NO_SIMD` is
 * not `1` (the switch of the solvers' SIMD kernels turns every WebAssembly backend off);
 * {@link setCsrWasm} switches it at run time (the tests run both).
 *
 * @module
 */
import { CSR_WASM_BASE64 } from "./csr-wasm-bytes.js";
import { jobArguments, poolSupported, runJob, sharedInstance, sharedModule, threads, type SharedInstance, type SharedModule } from "./pool/pool.js";
import { sharedVariant } from "./pool/shared-wasm.js";
import { aligned, wasmModule } from "./wasm.js";
import { kernelBackend } from "./gemm/backend.js";
import type { HostedRegion } from "./host.js";

export { HOST_WORKSPACE, type HostedRegion } from "./host.js";

/** The exports of csr.wat (array arguments are byte offsets into the memory). */
export interface CsrKernels {
  /** y = A x over m rows. */
  spmv(rp: number, ci: number, v: number, x: number, y: number, m: number): void;
  /** y += Aᵀ x over m rows (x has length m). */
  spmvT(rp: number, ci: number, v: number, x: number, y: number, m: number): void;
}

/** An m×n CSR matrix placed in WebAssembly memory, with its vector slots. */
export interface CsrWasm {
  readonly kernels: CsrKernels;
  readonly rowPointers: Int32Array;
  readonly colIndices: Int32Array;
  readonly values: Float64Array;
  /** Byte offsets of rowPointers, colIndices, values and the two vector slots. */
  readonly rp: number;
  readonly ci: number;
  readonly v: number;
  readonly x: number;
  readonly y: number;
  /** Views of the input slot: length n (for A x) and m (for Aᵀ x). */
  readonly xA: Float64Array;
  readonly xT: Float64Array;
  /** Views of the output slot: length m (for A x) and n (for Aᵀ x). */
  readonly yA: Float64Array;
  readonly yT: Float64Array;
  /** The pool's instance when the memory is shared with the workers (`A x` may then split its rows over threads). */
  readonly instance: SharedInstance | undefined;
  /** The split of the rows for the last chunk count used: chunk j is rows [rows[j], rows[j+1]). */
  split: Int32Array | undefined;
  /** The solver workspaces hosted past the matrix in a shared memory (see {@link hostRegion}). */
  readonly hosting: Hosting | undefined;
  /**
   * Time per product of each way (ms, moving averages): [one thread, split], with the count of
   * products timed each way (the first of each, a warm-up, not counted); see {@link splitNow}.
   */
  readonly tune: Float64Array;
}

/**
 * The part of a shared placement's memory past the matrix and its vector slots, where solvers
 * place their workspaces ({@link hostRegion}) so that a product reads x and writes y there with
 * no copy. The memory grows (a shared memory's views never detach) up to
 * {@link MAX_HOSTED_BYTES}; released regions are reused.
 */
interface Hosting {
  readonly memory: { grow(pages: number): number; readonly buffer: ArrayBufferLike };
  /** Byte offset where hosted regions begin (the end of the y slot). */
  readonly start: number;
  /** Regions in use, [start, end) byte offsets, ascending. */
  readonly regions: Array<[number, number]>;
  /** Every buffer object the memory has handed out (a new one after each growth). */
  readonly buffers: ArrayBufferLike[];
}

/** Largest memory a shared placement grows to by hosting workspaces (bytes, 1 GiB). */
export const MAX_HOSTED_BYTES = 2 ** 30;

/**
 * Largest memory created for one matrix (bytes, 1 GiB): nnz·12 + (m + 1)·4 + 2·max(m, n)·8
 * beyond it keeps the matrix in plain arrays and the JavaScript loops.
 */
export const MAX_CSR_WASM_BYTES = 2 ** 30;
/**
 * Fewest stored entries placed in WebAssembly memory. The kernel wins from a few dozen entries
 * up (measured, Node 20: 0.15 µs against 0.37 µs per product at 156 entries, 1.5 ms against
 * 3.9 ms at 1.3M), but a memory costs at least one 64 KiB page, an instance and time: `csr`
 * takes ≈ 30 µs longer at 1,024 entries (75 against 44 µs), which the products repay after
 * about ten (1.0 against 4.0 µs each). Smaller matrices, often built by the hundred in tests
 * and examples, keep plain arrays.
 */
export const DEFAULT_MIN_NNZ = 1024;
/**
 * Most placed matrices alive at once (counted by memory: an operator's arrays kept after it is
 * collected keep its memory alive); later ones keep plain arrays until some are collected.
 * Each memory reserves ≈ 10 GiB of address space in V8 on 64-bit machines (guard regions), and
 * near the limit (≈ 12,900 memories alive, measured) every further memory costs seconds of
 * garbage collection before it fails; this leaves room for the solvers' workspaces.
 */
export const MAX_LIVE_MEMORIES = 1024;
/**
 * Fewest stored entries for which `A x` splits its rows over the worker pool (when
 * {@link threads} > 1), and for which a matrix is placed in a shared memory: a product of 65,536
 * entries takes ≈ 50–60 µs on one thread (Node 20, AMD EPYC), about what waking a sleeping worker
 * costs, so smaller products would gain nothing from a second thread.
 */
export const DEFAULT_MIN_SPLIT_NNZ = 65536;
/** Chunks per thread of a split product (claimed dynamically, so a thread slowed by another process is helped). */
const CHUNKS_PER_THREAD = 4;
const csrModule = wasmModule(CSR_WASM_BASE64);
let sharedCsr: SharedModule | null | undefined; // null: the pool cannot run this module
let minSplitNnz = DEFAULT_MIN_SPLIT_NNZ;
const supported = csrModule.supported;
let enabled = csrModule.onByDefault;
let minNnz = DEFAULT_MIN_NNZ;
let live = 0;
const collected = new FinalizationRegistry<undefined>(() => {
  live--;
});

/** Whether this runtime runs the module. */
export function csrWasmSupported(): boolean {
  return supported;
}

/**
 * Whether the backend is on (placement of new matrices and products of placed ones): switched on
 * here and by the public switch of every kernel, `setKernelBackend` (off under `'js'`).
 */
export function csrWasmEnabled(): boolean {
  return enabled && kernelBackend() !== "js";
}

/**
 * Switches the backend: `true` (ignored where unsupported) places matrices of at least
 * `minimumNnz` stored entries created from now on in WebAssembly memory and runs the products
 * of every placed matrix there; `false` runs every product in JavaScript (over the same
 * arrays) and places no new matrix. Returns the previous on/off setting.
 */
export function setCsrWasm(on: boolean, minimumNnz = DEFAULT_MIN_NNZ): boolean {
  const previous = enabled;
  enabled = on && supported;
  minNnz = Math.max(1, minimumNnz);
  return previous;
}

/**
 * Sets the fewest stored entries for which a product splits over the pool (and for which new
 * matrices are placed in shared memory); the tests lower it to split small matrices. Returns
 * the previous value.
 */
export function setCsrSplitThreshold(minimumNnz = DEFAULT_MIN_SPLIT_NNZ): number {
  const previous = minSplitNnz;
  minSplitNnz = Math.max(1, minimumNnz);
  return previous;
}

function poolModule(): SharedModule | undefined {
  if (sharedCsr === undefined) {
    const bytes = poolSupported() ? sharedVariant(csrModule.bytes) : undefined;
    sharedCsr = (bytes !== undefined ? sharedModule(bytes, ["spmv"]) : undefined) ?? null;
  }
  return sharedCsr ?? undefined;
}

/**
 * Whether `A x` of a placed matrix may split over the pool: its memory is shared, the pool has
 * more than one thread and the matrix at least the split threshold of entries.
 */
export function splits(placed: CsrWasm): boolean {
  return placed.instance !== undefined && placed.values.length >= minSplitNnz && threads() > 1;
}

/** Every PROBE-th product runs the way that is slower so far, to see whether it still is. */
const PROBE = 16;
/** Weight of a new time in the moving averages of {@link splitNow}. */
const TUNE_WEIGHT = 0.25;

/**
 * Whether this product splits: when it may ({@link splits}), the way that has been faster for
 * this matrix, timed by {@link timedProduct}. The two ways give the same bits, so only time
 * decides; on a loaded machine (another process on the other core) a second thread may lose
 * (Poisson 512² at load 4.5: 0.90 ms split against 0.79 ms on one thread, 2026-12-04), on a
 * quiet one it may win. Each way runs first twice (a warm-up, then a time); after that the
 * faster, and every {@link PROBE}-th product the slower. With the split threshold set by
 * {@link setCsrSplitThreshold} to other than its default (the tests), products that may split
 * always do.
 */
export function splitNow(placed: CsrWasm): boolean {
  if (!splits(placed)) return false;
  if (minSplitNnz !== DEFAULT_MIN_SPLIT_NNZ) return true;
  const t = placed.tune;
  const ones = t[2] as number, twos = t[3] as number;
  if (ones < 2 || twos < 2) return twos <= ones; // split first: the workers start meanwhile
  const faster = (t[1] as number) < (t[0] as number);
  return (ones + twos) % PROBE === 0 ? !faster : faster;
}

/** Records the time of a product run one way (`split` or not) for {@link splitNow}. */
export function timedProduct(placed: CsrWasm, split: boolean, ms: number): void {
  if (!splits(placed) || minSplitNnz !== DEFAULT_MIN_SPLIT_NNZ) return;
  const t = placed.tune;
  const k = split ? 1 : 0;
  const count = (t[2 + k] as number) + 1;
  t[2 + k] = count;
  if (count === 2) t[k] = ms; // the first was a warm-up
  else if (count > 2) t[k] = (t[k] as number) + TUNE_WEIGHT * (ms - (t[k] as number));
}

/**
 * y = A x split by rows over the pool: chunks of consecutive rows with about equal numbers of
 * entries, each the `spmv` export on its rows (rp and y offset to the first), so every row is
 * summed exactly as on one thread. `x` and `y` are byte offsets of the vectors (by default the
 * slots, which the caller fills and empties on the calling thread; a hosted workspace's vectors
 * need no copy).
 */
export function spmvSplit(placed: CsrWasm, m: number, x = placed.x, y = placed.y): void {
  const chunks = Math.min(CHUNKS_PER_THREAD * threads(), m, 256);
  let split = placed.split;
  if (split === undefined || split.length !== chunks + 1) {
    split = rowSplit(placed.rowPointers, m, chunks);
    placed.split = split;
  }
  const args = jobArguments();
  for (let j = 0; j < chunks; j++) {
    const r0 = split[j] as number;
    const r1 = split[j + 1] as number;
    const a = 6 * j;
    args[a] = placed.rp + 4 * r0;
    args[a + 1] = placed.ci;
    args[a + 2] = placed.v;
    args[a + 3] = x;
    args[a + 4] = y + 8 * r0;
    args[a + 5] = r1 - r0;
  }
  runJob(placed.instance as SharedInstance, 0, 6, chunks);
}

/** Row boundaries of `chunks` consecutive row ranges with about nnz/chunks entries each. */
function rowSplit(rp: Int32Array, m: number, chunks: number): Int32Array {
  const split = new Int32Array(chunks + 1);
  const nnz = rp[m] as number;
  split[chunks] = m;
  for (let j = 1; j < chunks; j++) {
    const target = (nnz * j) / chunks;
    let lo = split[j - 1] as number;
    let hi = m;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((rp[mid] as number) < target) lo = mid + 1;
      else hi = mid;
    }
    split[j] = lo;
  }
  return split;
}

/**
 * The CSR arrays copied into a fresh WebAssembly memory with room for the vectors, or
 * `undefined` (keep the given arrays) when the backend is off, the matrix has fewer than the
 * minimum number of entries, it would exceed {@link MAX_CSR_WASM_BYTES}, {@link
 * MAX_LIVE_MEMORIES} placed matrices are alive, or the memory cannot be had.
 */
export function placeCsr(rowPointers: Int32Array, colIndices: Int32Array, values: Float64Array, m: number, n: number): CsrWasm | undefined {
  const nnz = values.length;
  if (!csrWasmEnabled() || nnz < minNnz) return undefined;
  const long = Math.max(m, n);
  const rp = 0;
  const ci = rp + aligned((m + 1) * 4);
  const v = ci + aligned(nnz * 4);
  const x = v + aligned(nnz * 8);
  const y = x + aligned(long * 8);
  const total = y + aligned(long * 8);
  if (total > MAX_CSR_WASM_BYTES || live >= MAX_LIVE_MEMORIES) return undefined;
  const module = nnz >= minSplitNnz ? poolModule() : undefined;
  // Room to grow for hosted workspaces where the address space allows it (a 32-bit browser may refuse to reserve it).
  const shared = module !== undefined ? (sharedInstance(module, total, MAX_HOSTED_BYTES) ?? sharedInstance(module, total)) : undefined;
  const instance = shared ?? csrModule.instantiate(total);
  if (instance === undefined) return undefined; // out of memory or address space for another memory: plain arrays
  const buffer = instance.buffer;
  const placed: CsrWasm = {
    kernels: instance.exports as unknown as CsrKernels,
    instance: shared,
    split: undefined,
    tune: new Float64Array(4),
    hosting: shared === undefined ? undefined : {
      memory: shared.memory as Hosting["memory"],
      start: total,
      regions: [],
      buffers: [buffer],
    },
    rowPointers: new Int32Array(buffer, rp, m + 1),
    colIndices: new Int32Array(buffer, ci, nnz),
    values: new Float64Array(buffer, v, nnz),
    rp, ci, v, x, y,
    xA: new Float64Array(buffer, x, n),
    xT: new Float64Array(buffer, x, m),
    yA: new Float64Array(buffer, y, m),
    yT: new Float64Array(buffer, y, n),
  };
  placed.rowPointers.set(rowPointers);
  placed.colIndices.set(colIndices);
  placed.values.set(values);
  live++;
  collected.register(buffer, undefined); // the memory lives while some view of it does, after the operator too
  return placed;
}

/**
 * Lends `bytes` bytes of a shared placement's memory, past the matrix, to a solver's workspace:
 * the first released gap that fits, else the end of the regions in use, growing the memory by
 * whole pages (at most to {@link MAX_HOSTED_BYTES}). `undefined` when the placement is not shared
 * or the memory cannot grow.
 */
export function hostRegion(placed: CsrWasm, bytes: number): HostedRegion | undefined {
  const h = placed.hosting;
  if (h === undefined || !(bytes >= 0)) return undefined;
  const size = aligned(Math.max(bytes, 8));
  let at = aligned(h.start);
  let index = 0;
  for (; index < h.regions.length; index++) {
    const [s, e] = h.regions[index] as [number, number];
    if (s - at >= size) break;
    at = aligned(e);
  }
  const end = at + size;
  const length = h.memory.buffer.byteLength;
  if (end > length) {
    if (end > MAX_HOSTED_BYTES) return undefined;
    try {
      h.memory.grow(Math.ceil((end - length) / 65536));
    } catch {
      return undefined; // out of memory or past the maximum
    }
  }
  const buffer = h.memory.buffer;
  if (!h.buffers.includes(buffer)) h.buffers.push(buffer);
  const region: [number, number] = [at, end];
  h.regions.splice(index, 0, region);
  let released = false;
  return {
    memory: h.memory,
    buffer,
    offset: at,
    release: () => {
      if (released) return;
      released = true;
      const k = h.regions.indexOf(region);
      if (k >= 0) h.regions.splice(k, 1);
    },
  };
}

/**
 * The byte offset of the contiguous vector `v` (`length` entries) in a region hosted by this
 * placement, or −1 when it lives elsewhere (then the product copies it through a slot).
 */
export function hostedOffset(placed: CsrWasm, data: Float64Array, offset: number, length: number): number {
  const h = placed.hosting;
  if (h === undefined) return -1;
  const buffer = data.buffer;
  if (h.buffers[h.buffers.length - 1] !== buffer && !h.buffers.includes(buffer)) return -1;
  const at = data.byteOffset + 8 * offset;
  return at >= h.start && offset + length <= data.length ? at : -1;
}
