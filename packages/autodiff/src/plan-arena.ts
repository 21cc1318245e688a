/**
 * Where the compiled plans keep their buffers: in one WebAssembly arena (`gemmArena` of
 * @krylov-ts/operators, shared when the runtime has shared memory) when a product of the plan
 * is large enough for the WebAssembly kernels, so that every product runs in place on its
 * operands; in plain arrays otherwise (no WebAssembly backend on, only small products, or no
 * memory to be had).
 *
 * @module
 */
import { DEFAULT_MIN_WASM_SIZE, gemmArena, kernelBackend } from "@krylov-ts/operators";
import type { IRNode } from "./simplify.js";

/** Multiply-adds of a matmul node (m·n·k), times `batch`. */
export function productSize(n: IRNode, batch = 1): number {
  const a = n.inputs[0] as IRNode;
  const k = n.attrs.transposeA === true ? (a.shape[0] as number) : (a.shape[1] as number);
  return batch * n.size * k;
}

/**
 * Arrays of the given lengths: in one arena (`inArena`) when the largest product has at least
 * DEFAULT_MIN_WASM_SIZE multiply-adds and a WebAssembly backend is on, plain arrays otherwise.
 */
export function planArrays(lengths: readonly number[], largestProduct: number): { arrays: Float64Array[]; inArena: boolean } {
  const arena = largestProduct >= DEFAULT_MIN_WASM_SIZE && kernelBackend() !== "js" ? gemmArena(lengths) : undefined;
  return arena !== undefined ? { arrays: arena, inArena: true } : { arrays: lengths.map((len) => new Float64Array(len)), inArena: false };
}

/** The constants that products read (directly or through reshapes), each once. */
export function productConstants(nodes: readonly IRNode[]): IRNode[] {
  const constants = new Set<IRNode>();
  for (const n of nodes) {
    if (n.op !== "matmul") continue;
    for (const u of n.inputs) {
      let r = u;
      while (r.op === "reshape") r = r.inputs[0] as IRNode;
      if (r.op === "constant") constants.add(r);
    }
  }
  return [...constants];
}
