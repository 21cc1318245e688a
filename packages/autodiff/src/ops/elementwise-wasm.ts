/**
 * The WebAssembly SIMD path of the elementwise kernels (add, sub, mul, neg, column sums): the
 * module of elementwise.wat, instantiated on the memory of a plan's arena (plan-arena.ts), so that
 * an elementwise step whose operands and output all live in that arena runs in place on them.
 *
 * A compiled H·v plan keeps its buffers in the arena of its matrix products; between products
 * its elementwise steps (bias adds, the activation's derivatives, the JVP's sums of products)
 * ran as JavaScript loops at ≈ 1.6 ns an element, a third of the small MLP's H·v. The SIMD loops
 * give the same bits (each element one IEEE operation, sums in the same order; see the .wat).
 *
 * Any other array (a caller's input or output, a plan in plain arrays, the `'js'` kernel backend
 * of `setKernelBackend`) takes the JavaScript loops of the op files.
 *
 * @module
 */
import { gemmMemoryOf, kernelBackend } from "@krylov-ts/operators";
import { decodeBase64, sharedVariant } from "@krylov-ts/operators/wasm";
import { ELEMENTWISE_WASM_BASE64 } from "./elementwise-wasm-bytes.js";
import type { BinaryLayout } from "./strided.js";

/** The exports of elementwise.wat (arrays as byte offsets, counts in elements). */
interface ElementwiseExports {
  add(a: number, b: number, o: number, n: number): void;
  sub(a: number, b: number, o: number, n: number): void;
  mul(a: number, b: number, o: number, n: number): void;
  addScalar(a: number, y: number, o: number, n: number): void;
  subScalar(a: number, y: number, o: number, n: number): void;
  mulScalar(a: number, y: number, o: number, n: number): void;
  addRow(a: number, b: number, o: number, rows: number, m: number): void;
  subRow(a: number, b: number, o: number, rows: number, m: number): void;
  mulRow(a: number, b: number, o: number, rows: number, m: number): void;
  addCol(a: number, b: number, o: number, rows: number, rep: number): void;
  subCol(a: number, b: number, o: number, rows: number, rep: number): void;
  mulCol(a: number, b: number, o: number, rows: number, rep: number): void;
  neg(a: number, o: number, n: number): void;
  sumRows(x: number, o: number, rows: number, m: number): void;
}

/** The binary ops with a SIMD kernel. */
export type WasmBinaryOp = "add" | "sub" | "mul";

/** The part of the `WebAssembly` namespace used here (typed locally: the project's lib has no DOM). */
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: object };
}

/**
 * Shortest outputs sent to WebAssembly: below, the call and the look-up of the memory cost about
 * what the JavaScript loop does (≈ 0.1 µs against 1.6 ns an element).
 */
export const MIN_WASM_ELEMENTS = 64;

const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
let modules: { plain: object | undefined; shared: object | undefined } | undefined;
/** Per arena buffer: its instance, or null when the buffer is no arena (or instantiation failed). */
const instances = new WeakMap<ArrayBufferLike, ElementwiseExports | null>();

/** The module compiled for plain and for shared memories (once; undefined where it does not compile). */
function compiled(): { plain: object | undefined; shared: object | undefined } {
  if (modules === undefined) {
    const bytes = decodeBase64(ELEMENTWISE_WASM_BASE64);
    const plain = tryCompile(bytes);
    modules = { plain, shared: plain === undefined ? undefined : tryCompile(sharedVariant(bytes)) };
  }
  return modules;
}

function tryCompile(bytes: Uint8Array | undefined): object | undefined {
  if (api === undefined || bytes === undefined) return undefined;
  try {
    return api.validate(bytes) ? new api.Module(bytes) : undefined;
  } catch {
    return undefined;
  }
}

/** The kernels on the arena `buffer` belongs to (instantiated on first use), or undefined. */
function kernelsOn(buffer: ArrayBufferLike): ElementwiseExports | undefined {
  let e = instances.get(buffer);
  if (e === undefined) {
    e = null;
    const g = gemmMemoryOf(buffer);
    const module = g === undefined ? undefined : g.shared ? compiled().shared : compiled().plain;
    if (g !== undefined && module !== undefined) {
      try {
        e = new (api as WasmApi).Instance(module, { env: { memory: g.memory } }).exports as ElementwiseExports;
      } catch {
        e = null;
      }
    }
    instances.set(buffer, e);
  }
  return e ?? undefined;
}

/** The kernels when `out`, `a` and `b` (if given) share one arena and WebAssembly kernels are on. */
function kernelsFor(out: Float64Array, a: Float64Array, b?: Float64Array): ElementwiseExports | undefined {
  const buffer = out.buffer;
  if (a.buffer !== buffer || (b !== undefined && b.buffer !== buffer) || out.length < MIN_WASM_ELEMENTS) return undefined;
  if (kernelBackend() === "js") return undefined;
  return kernelsOn(buffer);
}

/**
 * out = a ∘ b for ∘ ∈ {+, −, ·} in WebAssembly when the arrays share an arena and the layout has a
 * SIMD loop (every layout but "general", and for − the ones that broadcast b). Returns false when
 * it did nothing (the caller runs its JavaScript loop).
 */
export function binaryWasm(op: WasmBinaryOp, layout: BinaryLayout, a: Float64Array, b: Float64Array, out: Float64Array): boolean {
  if (layout === "general") return false;
  const k = kernelsFor(out, a, b);
  if (k === undefined) return false;
  const n = out.length;
  const commutes = op !== "sub";
  switch (layout) {
    case "same":
      if (a.length !== n || b.length !== n) return false;
      k[op](a.byteOffset, b.byteOffset, out.byteOffset, n);
      return true;
    case "bScalar":
      if (a.length !== n) return false;
      k[`${op}Scalar`](a.byteOffset, b[0] as number, out.byteOffset, n);
      return true;
    case "aScalar":
      if (!commutes || b.length !== n) return false;
      k[`${op}Scalar`](b.byteOffset, a[0] as number, out.byteOffset, n);
      return true;
    case "bTrailing":
      k[`${op}Row`](a.byteOffset, b.byteOffset, out.byteOffset, n / b.length, b.length);
      return true;
    case "aTrailing":
      if (!commutes) return false;
      k[`${op}Row`](b.byteOffset, a.byteOffset, out.byteOffset, n / a.length, a.length);
      return true;
    case "bLeading":
      k[`${op}Col`](a.byteOffset, b.byteOffset, out.byteOffset, b.length, n / b.length);
      return true;
    case "aLeading":
      if (!commutes) return false;
      k[`${op}Col`](b.byteOffset, a.byteOffset, out.byteOffset, a.length, n / a.length);
      return true;
  }
}

/** out = −x in WebAssembly when both share an arena; false when it did nothing. */
export function negWasm(x: Float64Array, out: Float64Array): boolean {
  const k = kernelsFor(out, x);
  if (k === undefined) return false;
  k.neg(x.byteOffset, out.byteOffset, out.length);
  return true;
}

/**
 * out[j] = Σ_r x[r·m + j] (rows ≥ 1, rows added in order) in WebAssembly when both share an arena;
 * false when it did nothing.
 */
export function sumRowsWasm(x: Float64Array, rows: number, out: Float64Array): boolean {
  if (rows < 1 || x.length < MIN_WASM_ELEMENTS) return false;
  const buffer = x.buffer;
  if (out.buffer !== buffer || kernelBackend() === "js") return false;
  const k = kernelsOn(buffer);
  if (k === undefined) return false;
  k.sumRows(x.byteOffset, out.byteOffset, rows, out.length);
  return true;
}
