/**
 * The hook by which an operator lends part of its WebAssembly memory to a solver's workspace
 * (private to the packages): a CSR operator placed in a shared memory (./csr-wasm.ts) hosts the
 * vectors of @krylov-ts/krylov's solvers, so that its products read x and write y in place.
 *
 * @module
 */

/** A region of an operator's memory lent to a solver's workspace (`hostRegion` of ./csr-wasm.ts). */
export interface HostedRegion {
  /** The shared `WebAssembly.Memory` (an instance of another module may import it). */
  readonly memory: object;
  /** Its buffer now: the region's views go on it. */
  readonly buffer: ArrayBufferLike;
  /** Byte offset of the region (64-byte aligned). */
  readonly offset: number;
  /** Gives the region back (idempotent); its views must no longer be used. */
  release(): void;
}

/**
 * The key of an operator's method `(bytes) => HostedRegion | undefined` that lends a region of
 * its WebAssembly memory to a solver's workspace (CSR operators in a shared memory have it).
 */
export const HOST_WORKSPACE: unique symbol = Symbol.for("krylov-ts.hostWorkspace") as never;

/** The region `A` lends for `bytes` bytes, or `undefined` when it hosts nothing. */
export function hostedRegion(A: unknown, bytes: number): HostedRegion | undefined {
  if (A === null || typeof A !== "object") return undefined;
  const host = (A as { [HOST_WORKSPACE]?: unknown })[HOST_WORKSPACE];
  return typeof host === "function" ? (host as (b: number) => HostedRegion | undefined).call(A, bytes) : undefined;
}
