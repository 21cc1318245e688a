/**
 * The WebAssembly SIMD backend of the solver kernels (private to the package): the module of
 * kernels.wat, the per-solve workspaces in WebAssembly memory, and the switch between the
 * SIMD and the plain JavaScript backends.
 *
 * A solver asks {@link workspace} for its n-vectors. With the SIMD backend on, they are
 * Float64Array views into one `WebAssembly.Memory` created for that solve (never grown, so the
 * views never detach), on which an instance of the module runs; the memory's buffer is
 * registered with the instance's exports, and each kernel of ../kernels.ts calls the
 * WebAssembly export when all its arrays live in the same registered buffer. Any other array
 * takes the JavaScript loop, so operators and callers see ordinary Float64Arrays either way.
 *
 * The backend is chosen at load: SIMD when `WebAssembly.validate` accepts the module's bytes
 * (Node ≥ 16.4, every current browser) and the environment variable `KRYLOV_TS_NO_SIMD` is not
 * `1`; {@link setSimd} switches it at run time (the tests run both). The module is 4,049 bytes,
 * under the 4 KB (4,096 bytes) that browsers allow to compile synchronously on the main thread:
 * keep it so when adding kernels.
 *
 * @module
 */
import {
  aligned, hostedRegion, instanceOn, poolSupported, sharedInstance, sharedModule, sharedVariant, wasmModule,
  type SharedInstance, type SharedModule,
} from "@krylov-ts/operators/wasm";
import { KERNELS_WASM_BASE64 } from "./kernels-wasm.js";
import { kernelBackend } from "@krylov-ts/operators";

/** The exports of kernels.wat (vector arguments are byte offsets into the memory). */
export interface SimdKernels {
  dot(a: number, b: number, n: number): number;
  cgStep(x: number, r: number, p: number, q: number, alpha: number, n: number): number;
  xpby(z: number, beta: number, p: number, n: number): void;
  axpy(alpha: number, x: number, y: number, n: number): void;
  scale(alpha: number, x: number, out: number, n: number): void;
  subScaledNorm2(a: number, c: number, b: number, out: number, n: number): number;
  shiftedResidual(b: number, y: number, x: number, sigma: number, out: number, n: number): number;
  minresLanczos(av: number, v: number, r1: number, sigma: number, c: number, n: number): number;
  minresUpdate(
    v: number, w1: number, w2: number, x: number, y: number,
    eps: number, delta: number, g: number, phi: number, s: number, n: number,
  ): void;
  /** h[c] ← h[c] + v_cᵀw for c ∈ [from, to), in blocks of `rows` rows; V is column 0 of a basis of columns of length n. */
  basisDots(V: number, from: number, to: number, n: number, w: number, h: number, rows: number): void;
  /** w ← w − Σ_{c∈[from,to)} h[c]·v_c on rows [0, len) of columns n apart, in blocks of `rows` rows; returns ‖w‖². */
  basisSubtract(V: number, from: number, to: number, n: number, len: number, w: number, h: number, rows: number): number;
  /** out[c·stride/8 + r] ← Σ_{i<used} s[used·c + i]·V[r0 + r + i·n] for c < nc, r < nb (even). */
  combineBlock(V: number, n: number, used: number, s: number, nc: number, r0: number, nb: number, out: number, stride: number): void;
}

/** Largest workspace placed in WebAssembly memory (bytes); larger ones are plain arrays. */
export const MAX_WORKSPACE_BYTES = 2 ** 30 - 2 ** 16;
const kernels = wasmModule(KERNELS_WASM_BASE64);
const supported = kernels.supported;
let enabled = kernels.onByDefault;
/**
 * Shortest vectors placed in WebAssembly memory. A memory and an instance cost ≈ 40 µs to
 * create (measured, Node 20), which SIMD passes over shorter vectors would not repay.
 */
export const DEFAULT_MIN_LENGTH = 512;
let minLength = DEFAULT_MIN_LENGTH;
const registry = new WeakMap<ArrayBufferLike, SimdKernels>();
/**
 * Shortest vectors whose workspace is a memory shared with the worker pool (where it runs), so
 * that the Lanczos basis sweeps can split over threads (lanczos/kernels.ts): 16,384.
 */
export const MIN_SHARED_LENGTH = 16384;
let minSharedLength = MIN_SHARED_LENGTH;
let poolKernels: SharedModule | null | undefined; // null: the pool cannot run the module
const pooled = new WeakMap<ArrayBufferLike, SharedInstance>();
/** Exports of the module a job of the pool may run, by index (see {@link poolInstanceOf}). */
export const POOL_EXPORTS = ["basisDots", "basisSubtract", "combineBlock"] as const;

/** Sets the shortest vectors placed in a shared memory (the tests lower it); returns the previous value. */
export function setSharedLength(minimumLength = MIN_SHARED_LENGTH): number {
  const previous = minSharedLength;
  minSharedLength = Math.max(1, minimumLength);
  return previous;
}

/** The pool's instance of the memory `a` lives in, if it is a shared workspace. */
export function poolInstanceOf(a: Float64Array): SharedInstance | undefined {
  return pooled.get(a.buffer);
}

/** Whether this runtime runs WebAssembly SIMD (the module validates). */
export function simdSupported(): boolean {
  return supported;
}

/**
 * Whether new workspaces are placed in WebAssembly memory (the SIMD backend is on): switched on
 * here and by the public switch of every kernel, `setKernelBackend` of @krylov-ts/operators
 * (off under `'js'`).
 */
export function simdEnabled(): boolean {
  return enabled && kernelBackend() !== "js";
}

/**
 * Switches the backend of the workspaces created from now on: `true` for SIMD (ignored where
 * unsupported) on vectors of at least `minLength` entries (default
 * {@link DEFAULT_MIN_LENGTH}; the tests pass 1), `false` for plain JavaScript. Returns the
 * previous on/off setting.
 */
export function setSimd(on: boolean, minimumLength = DEFAULT_MIN_LENGTH): boolean {
  const previous = enabled;
  enabled = on && supported;
  minLength = Math.max(1, minimumLength);
  return previous;
}

/**
 * `count` zeroed vectors of length n for one solve: views into a fresh WebAssembly memory
 * (64-byte aligned, never grown) when the SIMD backend is on, n is at least the minimum length
 * and they fit in {@link MAX_WORKSPACE_BYTES}; plain Float64Arrays otherwise (or if the memory
 * cannot be had).
 * Results must leave a solver through {@link owned}.
 */
export function workspace(n: number, count: number, host?: unknown): Float64Array[] {
  const lengths: number[] = [];
  for (let j = 0; j < count; j++) lengths.push(n);
  return workspaceArrays(n, lengths, host);
}

/**
 * Zeroed arrays of the given lengths for one solve whose vectors have length n (a Lanczos basis
 * of m columns is one array of length m·n), laid out one after another in one fresh
 * WebAssembly memory (each 64-byte aligned, never grown) under the same conditions as
 * {@link workspace}: the SIMD backend on, n at least the minimum length, the total within
 * {@link MAX_WORKSPACE_BYTES}; plain Float64Arrays otherwise. Results must leave a solver
 * through {@link owned} (or a copy).
 *
 * `host`, the solve's operator, may lend a region of its own WebAssembly memory (a CSR matrix
 * placed in a shared memory does): the arrays then live there, the kernels run on an instance
 * of this module over that memory, and the operator's products read and write them in place
 * with no copy. The solver gives the region back by {@link releaseWorkspace} when it ends.
 */
export function workspaceArrays(n: number, lengths: readonly number[], host?: unknown): Float64Array[] {
  const offsets: number[] = [];
  let total = 0;
  for (const length of lengths) {
    offsets.push(total);
    total += aligned(length * 8); // each array on a 64-byte boundary (a cache line; 16 would do for the SIMD loads)
  }
  if (simdEnabled() && n >= minLength && total <= MAX_WORKSPACE_BYTES) {
    const views = (host !== undefined ? hostedWorkspace(host, lengths, offsets, total) : undefined) ??
      simdWorkspace(lengths, offsets, total, n >= minSharedLength);
    if (views !== undefined) return views;
  }
  return lengths.map((length) => new Float64Array(length));
}

/** `a` itself, or a fresh copy when it lives in a workspace memory (so results never pin one). */
export function owned(a: Float64Array): Float64Array {
  return registry.has(a.buffer) ? a.slice() : a;
}

/** The kernels of the memory `a` lives in, if it is a workspace. */
export function kernelsOf(a: Float64Array): SimdKernels | undefined {
  return registry.get(a.buffer);
}

/**
 * Gives back the operator's region that a workspace (any of its arrays) was lent by `host`, so
 * that the next solve reuses it; nothing for other workspaces. The arrays must not be used after.
 */
export function releaseWorkspace(a: Float64Array | undefined): void {
  if (a === undefined) return;
  const release = releases.get(a.buffer)?.get(a.byteOffset);
  if (release !== undefined) release();
}

const releases = new WeakMap<ArrayBufferLike, Map<number, () => void>>();
const hostInstances = new WeakMap<object, SharedInstance>(); // an operator's memory → this module's instance over it

/** The workspace in a region lent by the operator `host`, or `undefined` when it lends none. */
function hostedWorkspace(host: unknown, lengths: readonly number[], offsets: readonly number[], total: number): Float64Array[] | undefined {
  const module = sharedKernels();
  if (module === undefined) return undefined; // a lent memory is shared: it needs the shared variant
  const region = hostedRegion(host, total);
  if (region === undefined) return undefined;
  let instance = hostInstances.get(region.memory);
  if (instance === undefined) {
    try {
      instance = instanceOn(module, region.memory);
    } catch {
      region.release();
      return undefined;
    }
    hostInstances.set(region.memory, instance);
  }
  const buffer = region.buffer;
  registry.set(buffer, instance.exports as unknown as SimdKernels);
  pooled.set(buffer, instance);
  const views: Float64Array[] = [];
  for (let j = 0; j < lengths.length; j++) {
    const view = new Float64Array(buffer, region.offset + (offsets[j] as number), lengths[j] as number);
    view.fill(0); // a reused region holds an earlier solve's numbers
    views.push(view);
  }
  let byOffset = releases.get(buffer);
  if (byOffset === undefined) releases.set(buffer, (byOffset = new Map()));
  const ownBy = byOffset;
  const at = views.map((v) => v.byteOffset); // not the views: the finalizer must not keep them alive
  const token = {};
  const release = (): void => {
    for (const o of at) if (ownBy.get(o) === release) ownBy.delete(o);
    region.release();
    unreleased.unregister(token);
  };
  for (const o of at) ownBy.set(o, release);
  // A solve that throws never releases: its region returns when its arrays are collected.
  unreleased.register(views[0] ?? token, release, token);
  return views;
}

const unreleased = new FinalizationRegistry<() => void>((release) => release());

function simdWorkspace(lengths: readonly number[], offsets: readonly number[], total: number, share: boolean): Float64Array[] | undefined {
  const module = share ? sharedKernels() : undefined;
  const shared = module !== undefined ? sharedInstance(module, total) : undefined;
  const instance = shared ?? kernels.instantiate(total);
  if (instance === undefined) return undefined; // out of memory or address space for another memory: plain arrays
  const buffer = instance.buffer;
  registry.set(buffer, instance.exports as unknown as SimdKernels);
  if (shared !== undefined) pooled.set(buffer, shared);
  const views: Float64Array[] = [];
  for (let j = 0; j < lengths.length; j++) views.push(new Float64Array(buffer, offsets[j] as number, lengths[j] as number));
  return views;
}

function sharedKernels(): SharedModule | undefined {
  if (poolKernels === undefined) {
    const bytes = poolSupported() ? sharedVariant(kernels.bytes) : undefined;
    poolKernels = (bytes !== undefined ? sharedModule(bytes, POOL_EXPORTS) : undefined) ?? null;
  }
  return poolKernels ?? undefined;
}
