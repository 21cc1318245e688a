/**
 * Shared WebAssembly memories for the worker pool (private to the packages): whether this
 * runtime can share a memory between threads, and the shared variant of a module's bytes.
 *
 * A module that imports a shared memory must say so in its import (limits flag 3: minimum,
 * maximum, shared), and a module that says so accepts only shared memories. Rather than ship
 * every module twice, the modules of krylov-ts declare their imported memory with a maximum
 * (flag 1: `(memory (import "env" "memory") 1 65536)`), and {@link sharedVariant} turns that
 * one byte into 3: the two variants differ in nothing else.
 *
 * Sharing needs `SharedArrayBuffer`, `Atomics` and shared `WebAssembly.Memory` objects; a
 * browser page that is not cross-origin isolated (`globalThis.crossOriginIsolated === false`)
 * has none of them, and the pool then never starts.
 *
 * @module
 */

/** The part of the `WebAssembly` namespace used here (typed locally: the project's lib has no DOM). */
interface WasmMemoryApi {
  Memory: new (descriptor: { initial: number; maximum: number; shared?: boolean }) => { buffer: ArrayBufferLike };
}

let sharedMemories: boolean | undefined;

/**
 * Whether this runtime shares WebAssembly memories between threads: `SharedArrayBuffer` and
 * `Atomics` exist, the page (if any) is cross-origin isolated, and a shared
 * `WebAssembly.Memory` can be made and is backed by a `SharedArrayBuffer`. Decided once.
 */
export function sharedMemorySupported(): boolean {
  if (sharedMemories !== undefined) return sharedMemories;
  const g = globalThis as { SharedArrayBuffer?: unknown; Atomics?: unknown; crossOriginIsolated?: boolean; WebAssembly?: WasmMemoryApi };
  sharedMemories = false;
  if (typeof g.SharedArrayBuffer !== "function" || typeof g.Atomics !== "object" || g.crossOriginIsolated === false) return false;
  if (g.WebAssembly === undefined) return false;
  try {
    const memory = new g.WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    sharedMemories = memory.buffer instanceof (g.SharedArrayBuffer as typeof SharedArrayBuffer);
  } catch {
    sharedMemories = false;
  }
  return sharedMemories;
}

/**
 * The bytes of `module` with its imported memory declared shared, or `undefined` when the
 * module imports no memory or imports one without a maximum (which a shared memory must have).
 * Only the limits flag of the memory import changes (1 → 3), so the sizes and every offset stay.
 */
export function sharedVariant(module: Uint8Array): Uint8Array | undefined {
  const at = memoryLimitsOffset(module);
  if (at === undefined || module[at] !== 1) return undefined;
  const out = module.slice();
  out[at] = 3;
  return out;
}

/** Offset of the limits flag of the module's memory import, or undefined when there is none. */
function memoryLimitsOffset(b: Uint8Array): number | undefined {
  let p = 8; // magic and version
  const u32 = (): number => {
    let result = 0;
    let shift = 0;
    for (;;) {
      const byte = b[p++];
      if (byte === undefined) throw new RangeError("truncated module");
      result += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7;
    }
  };
  const skipLimits = (): void => {
    const flag = b[p++] as number;
    u32();
    if ((flag & 1) !== 0) u32();
  };
  try {
    while (p < b.length) {
      const id = b[p++] as number;
      const size = u32();
      const end = p + size; // p is past the size here
      if (id !== 2) {
        p = end;
        continue;
      }
      const count = u32();
      for (let i = 0; i < count; i++) {
        const moduleName = u32();
        p += moduleName;
        const fieldName = u32();
        p += fieldName;
        const kind = b[p++];
        if (kind === 0) u32(); // function: type index
        else if (kind === 1) {
          p++; // table: element type
          skipLimits();
        } else if (kind === 2) return p; // memory: limits
        else if (kind === 3) p += 2; // global: value type, mutability
        else return undefined;
      }
      return undefined;
    }
  } catch {
    return undefined;
  }
  return undefined;
}
