/**
 * The WebAssembly modules of krylov-ts (private to the packages: @krylov-ts/operators uses it for
 * the CSR products, @krylov-ts/krylov through the `@krylov-ts/operators/wasm` export for the
 * solvers' SIMD kernels): a module decoded from its base64 bytes, whether this runtime runs it,
 * and instances over fresh memories of their own.
 *
 * A module is on by default when `WebAssembly.validate` accepts its bytes and the environment
 * variable `KRYLOV_TS_NO_SIMD` is not `1` (which turns every WebAssembly backend off).
 *
 * @module
 */

/** The part of the `WebAssembly` namespace used here (typed locally: the project's lib has no DOM). */
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: object };
  Memory: new (descriptor: { initial: number; maximum: number }) => { buffer: ArrayBuffer };
}

/** One module: whether it runs here, and instances of it. */
export interface WasmModule {
  /** This runtime runs the module (it has WebAssembly and the bytes validate). */
  readonly supported: boolean;
  /** Supported, and `KRYLOV_TS_NO_SIMD` is not `1`. */
  readonly onByDefault: boolean;
  /** The module's bytes (the worker pool compiles their shared-memory variant, pool/shared-wasm.ts). */
  readonly bytes: Uint8Array;
  /**
   * An instance over a fresh memory of at least `byteLength` bytes (whole 64 KiB pages, never
   * grown, imported as `env.memory`), or `undefined` when unsupported or when the memory cannot be
   * had (out of memory or of address space).
   */
  instantiate(byteLength: number): { buffer: ArrayBuffer; exports: object } | undefined;
}

// The worker pool, for the kernels of the other packages that split (krylov's basis sweeps).
export { jobArguments, jobResults, poolSupported, runJob, sharedInstance, sharedModule, threads, type SharedInstance, type SharedModule } from "./pool/pool.js";
export { sharedVariant } from "./pool/shared-wasm.js";
export { instanceOn } from "./pool/pool.js";
export { HOST_WORKSPACE, hostedRegion, type HostedRegion } from "./host.js";

const PAGE = 65536;
const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
const offByEnvironment = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.KRYLOV_TS_NO_SIMD === "1";

/**
 * The module whose bytes are `base64`, compiled once, here. Where the bytes do not validate or the
 * compile throws (a page whose Content-Security-Policy lacks 'wasm-unsafe-eval' validates the
 * bytes but refuses to compile them), the module is unsupported for good: never retried, and
 * reported so.
 */
export function wasmModule(base64: string): WasmModule {
  const bytes = decodeBase64(base64);
  const compiled = api !== undefined && validates(api, bytes) ? compiles(api, bytes) : undefined;
  const supported = compiled !== undefined;
  return {
    supported,
    onByDefault: supported && !offByEnvironment,
    bytes,
    instantiate(byteLength) {
      if (!supported) return undefined;
      const wasm = api as WasmApi;
      try {
        const pages = Math.max(1, Math.ceil(byteLength / PAGE));
        const memory = new wasm.Memory({ initial: pages, maximum: pages });
        const instance = new wasm.Instance(compiled as object, { env: { memory } });
        return { buffer: memory.buffer, exports: instance.exports };
      } catch {
        return undefined;
      }
    },
  };
}

/** `byteLength` rounded up to a multiple of 64 (a cache line: where each array of a memory starts). */
export function aligned(byteLength: number): number {
  return Math.ceil(byteLength / 64) * 64;
}

function compiles(wasm: WasmApi, b: Uint8Array): object | undefined {
  try {
    return new wasm.Module(b);
  } catch {
    return undefined;
  }
}

function validates(wasm: WasmApi, b: Uint8Array): boolean {
  try {
    return wasm.validate(b);
  } catch {
    return false;
  }
}

/** The bytes of base64 `text` (atob: Node ≥ 16 and every browser). */
export function decodeBase64(text: string): Uint8Array {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}
