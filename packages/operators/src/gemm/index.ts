/**
 * The dense matrix product C = op(A)·op(B) (+ C) in float64 on every backend: JavaScript (the
 * reference, reference.ts), WebAssembly SIMD (gemm.wat) and relaxed-SIMD fused multiply-add
 * (gemm-relaxed.wat); the backend is chosen in backend.ts.
 *
 * The SIMD and JavaScript backends give the same bits; relaxed SIMD rounds each multiply-add
 * once, so its entries differ from theirs by at most about 2·k·ε·Σ_p |op(A)(i,p)|·|op(B)(p,j)|.
 *
 * @module
 */
import { gemmReference } from "./reference.js";
import { gemmMemoryOf, instanceOn, kernelBackend, minWasmProductSize, scratchMemory, WORK_STRIDE } from "./backend.js";
import { gemmParts, gemmSplit } from "./split.js";

export {
  availableKernelBackends,
  DEFAULT_MIN_WASM_SIZE,
  GEMM_WORK_BYTES,
  gemmArena,
  gemmMemoryOf,
  gemmWasmModule,
  kernelBackend,
  MAX_LIVE_ARENAS,
  setKernelBackend,
  type GemmExports,
  type GemmMemory,
  type KernelBackend,
  type WasmKernelBackend,
} from "./backend.js";
export { gemmReference } from "./reference.js";

/**
 * C(i, j) ← [C(i, j) +] Σ_p op(A)(i, p)·op(B)(p, j) for i < m, j < n, p < k, where
 * op(A)(i, p) = A[aOff + i·rsa + p·csa], op(B)(p, j) = B[bOff + p·rsb + j·csb] and
 * C(i, j) = C[cOff + i·ldc + j]: every transpose case by its strides (row-major A: rsa = k,
 * csa = 1; the transpose of a row-major k×m A: rsa = 1, csa = m). `beta` 0 overwrites C, 1
 * adds to it. C must not overlap A or B. Offsets and strides count elements.
 *
 * With A, B and C in one arena ({@link gemmArena}: the compiled autodiff plans keep their
 * buffers so) the WebAssembly kernel runs on them in place; otherwise the operands are copied
 * into a scratch memory and C back. Products of fewer than `minSize` multiply-adds (see
 * `setKernelBackend`) run the JavaScript loop.
 *
 * @example gemm(m, n, k, A, 0, k, 1, B, 0, n, 1, C, 0, n, 0)   // C = A·B, all row-major
 * @throws RangeError when a size, offset or stride is not a non-negative integer or reaches
 *   outside its array, when beta is not 0 or 1, or when C's range overlaps A's or B's
 */
export function gemm(
  m: number, n: number, k: number,
  A: Float64Array, aOff: number, rsa: number, csa: number,
  B: Float64Array, bOff: number, rsb: number, csb: number,
  C: Float64Array, cOff: number, ldc: number,
  beta: 0 | 1,
): Float64Array {
  checkIndex("m", m);
  checkIndex("n", n);
  checkIndex("k", k);
  checkIndex("aOff", aOff);
  checkIndex("rsa", rsa);
  checkIndex("csa", csa);
  checkIndex("bOff", bOff);
  checkIndex("rsb", rsb);
  checkIndex("csb", csb);
  checkIndex("cOff", cOff);
  checkIndex("ldc", ldc);
  if (beta !== 0 && beta !== 1) throw new RangeError(`gemm: beta must be 0 or 1, got ${String(beta)}`);
  if (m === 0 || n === 0) return C;
  const aSpan = k === 0 ? 0 : (m - 1) * rsa + (k - 1) * csa + 1;
  const bSpan = k === 0 ? 0 : (k - 1) * rsb + (n - 1) * csb + 1;
  const cSpan = (m - 1) * ldc + n;
  if (!(aOff >= 0 && aOff + aSpan <= A.length)) throw new RangeError(`gemm: A has length ${A.length} but op(A) is ${m}×${k} at offset ${aOff} with strides ${rsa}, ${csa}`);
  if (!(bOff >= 0 && bOff + bSpan <= B.length)) throw new RangeError(`gemm: B has length ${B.length} but op(B) is ${k}×${n} at offset ${bOff} with strides ${rsb}, ${csb}`);
  if (!(cOff >= 0 && cOff + cSpan <= C.length && ldc >= n)) throw new RangeError(`gemm: C has length ${C.length} but is ${m}×${n} at offset ${cOff} with row stride ${ldc}`);
  if (overlaps(A, aOff, aSpan, C, cOff, cSpan) || overlaps(B, bOff, bSpan, C, cOff, cSpan)) {
    throw new RangeError(`gemm: C (${m}×${n} at offset ${cOff}) overlaps A or B in memory`);
  }
  const backend = kernelBackend();
  if (backend === "js" || m * n * k < minWasmProductSize()) {
    gemmReference(m, n, k, A, aOff, rsa, csa, B, bOff, rsb, csb, C, cOff, ldc, beta);
    return C;
  }
  const buffer = C.buffer;
  const g = A.buffer === buffer && B.buffer === buffer ? gemmMemoryOf(buffer) : undefined;
  if (g !== undefined) {
    // In place: every operand already in the arena's memory.
    const a = A.byteOffset + 8 * aOff, b = B.byteOffset + 8 * bOff, c = C.byteOffset + 8 * cOff;
    const parts = Math.min(gemmParts(g, m, n, k), g.workAreas);
    if (parts > 1 && gemmSplit(g, backend, parts, m, n, k, a, rsa, csa, b, rsb, csb, c, ldc, beta, workAreas(g.work, parts))) return C;
    instanceOn(g, backend).gemm(m, n, k, a, rsa, csa, b, rsb, csb, c, ldc, beta, g.work);
    return C;
  }
  copies++;
  const aBytes = align64(8 * aSpan);
  const bBytes = align64(8 * bSpan);
  const cBytes = align64(8 * cSpan);
  const parts = gemmParts(undefined, m, n, k); // parts after the first take work areas after C
  const s = scratchMemory(aBytes + bBytes + cBytes + (parts - 1) * WORK_STRIDE);
  if (s === undefined) {
    gemmReference(m, n, k, A, aOff, rsa, csa, B, bOff, rsb, csb, C, cOff, ldc, beta);
    return C;
  }
  const F = scratchView(s.g.memory.buffer);
  const a = s.base;
  const b = a + aBytes;
  const c = b + bBytes;
  F.set(A.subarray(aOff, aOff + aSpan), a / 8);
  F.set(B.subarray(bOff, bOff + bSpan), b / 8);
  if (beta !== 0) copyRows(C, cOff, ldc, F, c / 8, ldc, m, n);
  const split = parts > 1 && s.g.shared && gemmSplit(s.g, backend, parts, m, n, k, a, rsa, csa, b, rsb, csb, c, ldc, beta, [s.g.work, ...workAreas(c + cBytes, parts - 1)]);
  if (!split) instanceOn(s.g, backend).gemm(m, n, k, a, rsa, csa, b, rsb, csb, c, ldc, beta, s.g.work);
  copyRows(F, c / 8, ldc, C, cOff, ldc, m, n);
  return C;
}

let copies = 0;

/** How many WebAssembly products have copied their operands so far (the tests check the plans run in place). */
export function gemmCopies(): number {
  return copies;
}

let view: Float64Array<ArrayBufferLike> = new Float64Array(0);

/** A Float64Array over the scratch memory's buffer (made again only after the memory grew). */
function scratchView(buffer: ArrayBufferLike): Float64Array<ArrayBufferLike> {
  if (view.buffer !== buffer) view = new Float64Array(buffer);
  return view;
}

function checkIndex(name: string, x: number): void {
  if (!Number.isInteger(x) || x < 0) throw new RangeError(`gemm: ${name} must be a non-negative integer, got ${String(x)}`);
}

/** Whether the element ranges [xOff, xOff + xLen) of X and [yOff, yOff + yLen) of Y share memory. */
function overlaps(X: Float64Array, xOff: number, xLen: number, Y: Float64Array, yOff: number, yLen: number): boolean {
  if (X.buffer !== Y.buffer || xLen === 0 || yLen === 0) return false;
  const x0 = X.byteOffset + 8 * xOff;
  const y0 = Y.byteOffset + 8 * yOff;
  return x0 < y0 + 8 * yLen && y0 < x0 + 8 * xLen;
}

/** dst's m rows of n entries (row stride dLd) ← src's (row stride sLd). */
function copyRows(src: Float64Array, sOff: number, sLd: number, dst: Float64Array, dOff: number, dLd: number, m: number, n: number): void {
  if (sLd === n && dLd === n) {
    dst.set(src.subarray(sOff, sOff + m * n), dOff);
    return;
  }
  for (let i = 0; i < m; i++) dst.set(src.subarray(sOff + i * sLd, sOff + i * sLd + n), dOff + i * dLd);
}

/** Byte offsets of `count` consecutive work areas from `first`. */
function workAreas(first: number, count: number): number[] {
  const out: number[] = [];
  for (let j = 0; j < count; j++) out.push(first + j * WORK_STRIDE);
  return out;
}

function align64(bytes: number): number {
  return Math.ceil(bytes / 64) * 64;
}
