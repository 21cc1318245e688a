/**
 * The backends of the dense matrix product: the modules of gemm.wat (WebAssembly SIMD) and
 * gemm-relaxed.wat (relaxed SIMD), which of them this runtime runs, the one in use, and the
 * WebAssembly memories ("arenas") whose arrays the kernels read and write in place.
 *
 * A backend is available when its module validates and compiles (once, at load; where that
 * throws the backend is reported unavailable and never retried). The default is the fastest
 * available one: relaxed SIMD (Node ≥ 22, Chromium; Node 20 with
 * `--experimental-wasm-relaxed-simd`), then SIMD, then JavaScript; the environment variable
 * `KRYLOV_TS_NO_SIMD=1` makes it JavaScript. {@link setKernelBackend} switches at run time.
 *
 * Each module imports its memory as `env.memory`. The shared variant of a module (for memories
 * created with `shared: true`, which workers can use) is the same code with the import declared
 * shared: one flag byte of the import entry (`sharedVariant`), rather than assembled twice.
 *
 * @module
 */
import { GEMM_WASM_BASE64 } from "./gemm-bytes.js";
import { GEMM_RELAXED_WASM_BASE64 } from "./gemm-relaxed-bytes.js";
import { poolSupported, threads } from "../pool/pool.js";
import { sharedVariant } from "../pool/shared-wasm.js";
import { decodeBase64 } from "../wasm.js";

/** A backend of the dense kernels. */
export type KernelBackend = "js" | "simd" | "relaxed-simd";
/** The WebAssembly backends. */
export type WasmKernelBackend = Exclude<KernelBackend, "js">;

/** The export of gemm.wat (arguments described there): byte offsets, element strides. */
export interface GemmExports {
  gemm(m: number, n: number, k: number, a: number, rsa: number, csa: number, b: number, rsb: number, csb: number, c: number, ldc: number, beta: number, work: number): void;
}

/** Bytes of the scratch area each call of the WebAssembly `gemm` needs: 8·(MC·KC + KC·NC + MR·NR). */
export const GEMM_WORK_BYTES = 8 * (96 * 256 + 256 * 512 + 6 * 4);
/** Bytes between consecutive work areas (GEMM_WORK_BYTES rounded up to 64). */
export const WORK_STRIDE = Math.ceil(GEMM_WORK_BYTES / 64) * 64;
/** Where the scratch memory's operands start: after its work area. */
const ARENA_BASE = WORK_STRIDE;
const PAGE = 65536;

/** The part of the `WebAssembly` namespace used here (typed locally: the project's lib has no DOM). */
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: object };
  Memory: new (descriptor: { initial: number; maximum: number; shared?: boolean }) => { buffer: ArrayBufferLike; grow(pages: number): number };
}
type WasmMemory = InstanceType<WasmApi["Memory"]>;

const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
const hasShared = typeof (globalThis as { SharedArrayBuffer?: unknown }).SharedArrayBuffer === "function";

/** One WebAssembly backend: its modules (plain and shared import), compiled once at load. */
interface Compiled {
  plain: object | undefined;
  shared: object | undefined;
}
const compiled: Record<WasmKernelBackend, Compiled> = {
  simd: compile(GEMM_WASM_BASE64),
  "relaxed-simd": compile(GEMM_RELAXED_WASM_BASE64),
};
const available: readonly KernelBackend[] = ["js", ...(["simd", "relaxed-simd"] as const).filter((b) => compiled[b].plain !== undefined)];
const fastest: KernelBackend = available[available.length - 1] as KernelBackend;
let current: KernelBackend = env?.KRYLOV_TS_NO_SIMD === "1" ? "js" : fastest;

/**
 * Products of fewer than this many multiply-adds (m·n·k) take the JavaScript loop by default:
 * about where copying the operands into WebAssembly memory stops costing more than the loop
 * saves (measured, CPU time per call, Node 20: 12³ JavaScript 1.03 µs, SIMD with copies 1.01,
 * SIMD in place 0.62; 8³ 0.38, 0.72, 0.40; 16³ 2.33, 1.74, 1.25). Plans get an arena only with
 * a product at least this large.
 */
export const DEFAULT_MIN_WASM_SIZE = 2048;
let minWasmSize = DEFAULT_MIN_WASM_SIZE;

/** The backend the dense kernels use now. */
export function kernelBackend(): KernelBackend {
  return current;
}

/** The backends this runtime runs, slowest first (always `'js'`). */
export function availableKernelBackends(): readonly KernelBackend[] {
  return available;
}

/**
 * Switches the backend of the dense kernels, and of every other WebAssembly kernel of the
 * packages with it: under `'js'` the CSR products and the Krylov solvers' vector kernels run
 * their JavaScript loops too (under `'simd'` or `'relaxed-simd'` they run their SIMD modules,
 * which have no relaxed variant). Returns the previous backend. `minSize`: products with
 * fewer multiply-adds (m·n·k) take the JavaScript loop (default {@link DEFAULT_MIN_WASM_SIZE},
 * below which the call costs more than the loop; the tests pass 0).
 *
 * @throws RangeError when `backend` is not available here
 */
export function setKernelBackend(backend: KernelBackend, minSize = DEFAULT_MIN_WASM_SIZE): KernelBackend {
  if (!available.includes(backend)) {
    throw new RangeError(`setKernelBackend: backend '${String(backend)}' is not available here (available: ${available.join(", ")})`);
  }
  const previous = current;
  current = backend;
  minWasmSize = Math.max(0, minSize);
  return previous;
}

/** Fewest multiply-adds run in WebAssembly (see {@link setKernelBackend}). */
export function minWasmProductSize(): number {
  return minWasmSize;
}

/**
 * The compiled module of a WebAssembly backend, for a plain or a shared memory (undefined when
 * unavailable): what a worker instantiates with `{ env: { memory } }` (a `WebAssembly.Module`
 * can be posted to workers).
 */
export function gemmWasmModule(backend: WasmKernelBackend, shared: boolean): object | undefined {
  const c = compiled[backend];
  return shared ? c.shared : c.plain;
}

/** A memory the kernels run on in place: its instances (one per backend, made on first use). */
export interface GemmMemory {
  readonly memory: WasmMemory;
  readonly shared: boolean;
  /** Byte offset of the call's scratch area (GEMM_WORK_BYTES). */
  readonly work: number;
  /**
   * Work areas at `work + j·WORK_STRIDE`, j < workAreas: one for each part of a product split
   * over the worker pool (gemm/split.ts); a shared arena has as many as threads() when made.
   */
  readonly workAreas: number;
  readonly instances: Partial<Record<WasmKernelBackend, GemmExports>>;
}

const registry = new WeakMap<ArrayBufferLike, GemmMemory>();

/** The arena `buffer` belongs to, if any. */
export function gemmMemoryOf(buffer: ArrayBufferLike): GemmMemory | undefined {
  return registry.get(buffer);
}

/** The exports of `backend`'s module on the memory (instantiated once per memory and backend). */
export function instanceOn(g: GemmMemory, backend: WasmKernelBackend): GemmExports {
  let e = g.instances[backend];
  if (e === undefined) {
    const module = gemmWasmModule(backend, g.shared) as object;
    e = new (api as WasmApi).Instance(module, { env: { memory: g.memory } }).exports as GemmExports;
    g.instances[backend] = e;
  }
  return e;
}

/**
 * Most arenas alive at once; beyond, plain arrays. Each memory reserves ≈ 10 GiB of address
 * space in V8 and near ≈ 12,900 memories alive every new one costs seconds of collection (see
 * csr-wasm.ts, whose cap is also 1,024); arenas die with their plans, but only when collected.
 */
export const MAX_LIVE_ARENAS = 1024;
let liveArenas = 0;
const collected = new FinalizationRegistry<undefined>(() => {
  liveArenas--;
});

/**
 * One memory holding a kernel work area and arrays of the given lengths (each at a 64-byte
 * boundary), shared (`SharedArrayBuffer`) when the runtime has shared memory: the products of
 * these arrays run in place. Undefined when no WebAssembly backend is available, when the
 * arrays would pass `maxBytes`, when {@link MAX_LIVE_ARENAS} are alive, or when the memory
 * cannot be had; the caller then uses plain arrays.
 */
export function gemmArena(lengths: readonly number[], maxBytes = 2 ** 31): Float64Array[] | undefined {
  if (available.length === 1 || liveArenas >= MAX_LIVE_ARENAS) return undefined;
  const shared = hasShared && compiled.simd.shared !== undefined;
  const workAreas = shared ? threads() : 1;
  let bytes = workAreas * WORK_STRIDE;
  const offsets = lengths.map((n) => {
    const at = bytes;
    bytes += Math.ceil((8 * n) / 64) * 64;
    return at;
  });
  if (bytes > maxBytes) return undefined;
  const g = newMemory(bytes, shared, workAreas);
  if (g === undefined) return undefined;
  liveArenas++;
  collected.register(g.memory.buffer, undefined);
  const buffer = g.memory.buffer;
  return lengths.map((n, i) => new Float64Array(buffer, offsets[i] as number, n));
}

/** The scratch memory of products whose operands are not all in one arena; grown on demand. */
let scratch: GemmMemory | undefined;

/** The scratch memory with at least `bytes` bytes after its work area (undefined if it cannot be had). */
export function scratchMemory(bytes: number): { g: GemmMemory; base: number } | undefined {
  const need = ARENA_BASE + bytes;
  // Shared when the pool can run (so that a large product splits), growable either way.
  // (a shared memory reserves its whole maximum at once, which a 32-bit engine may refuse: then a plain one).
  if (scratch === undefined) {
    const bytes = Math.max(need, 4 * PAGE * 16);
    scratch = (poolSupported() && compiled.simd.shared !== undefined ? newMemory(bytes, true, 1, true) : undefined) ?? newMemory(bytes, false, 1);
  }
  if (scratch === undefined) return undefined;
  const have = scratch.memory.buffer.byteLength;
  if (have < need) {
    try {
      const old = scratch.memory.buffer;
      scratch.memory.grow(Math.ceil((need - have) / PAGE));
      registry.delete(old);
      registry.set(scratch.memory.buffer, scratch);
    } catch {
      return undefined;
    }
  }
  return { g: scratch, base: ARENA_BASE };
}

function newMemory(bytes: number, shared: boolean, workAreas: number, growable = false): GemmMemory | undefined {
  const wasm = api as WasmApi;
  const pages = Math.ceil(bytes / PAGE);
  try {
    const memory = shared
      ? new wasm.Memory({ initial: pages, maximum: growable ? 65536 : pages, shared: true })
      : new wasm.Memory({ initial: pages, maximum: 65536 });
    const g: GemmMemory = { memory, shared, work: 0, workAreas, instances: {} };
    registry.set(memory.buffer, g);
    return g;
  } catch {
    return undefined;
  }
}

function compile(base64: string): Compiled {
  if (api === undefined) return { plain: undefined, shared: undefined };
  const bytes = decodeBase64(base64);
  const plain = tryCompile(api, bytes);
  const shared = plain === undefined ? undefined : tryCompile(api, sharedVariant(bytes));
  return { plain, shared };
}

function tryCompile(wasm: WasmApi, bytes: Uint8Array | undefined): object | undefined {
  if (bytes === undefined) return undefined;
  try {
    return wasm.validate(bytes) ? new wasm.Module(bytes) : undefined;
  } catch {
    return undefined;
  }
}
