/**
 * @krylov-ts/operators — the `LinearOperator` contract, vectors, composition and concrete
 * operators.
 *
 * @module @krylov-ts/operators
 */
export type { Vec, VecLike } from "./vec.js";
export { vec, asVec, len, isContiguous, isNdArray, overlaps, checkLength, checkVec, dot, axpy, scal, copy, fill, nrm2 } from "./vec.js";
export { view, view1 } from "./view.js";
export { Random, rng } from "./random.js";
export { checkOptions, type OptionKeys } from "./options.js";
export type { LinearOperator, ApplyFunction, OperatorOptions } from "./operator.js";
export { BaseOperator, operator, shapeText, checkOperator, checkSquare, checkShape } from "./operator.js";
export { DenseOperator, dense, type DenseOptions } from "./dense.js";
export { DiagonalOperator, diagonal, IdentityOperator, identity, ZeroOperator, zero } from "./diagonal.js";
export { toDense } from "./to-dense.js";
export { CsrOperator, csr, type CsrOptions } from "./csr.js";
export {
  readMatrixMarket,
  parseMatrixMarket,
  matrixMarketBytes,
  MATRIX_MARKET_MAX_BYTES,
  type MatrixMarket,
  type MatrixMarketInfo,
  type MatrixMarketOptions,
} from "./matrix-market.js";
export { TransposeOperator, transpose } from "./transpose.js";
export { SumOperator, add, subtract } from "./sum.js";
export { ScaledOperator, scaled } from "./scaled.js";
export { ProductOperator, compose } from "./compose.js";
export { ShiftOperator, shift } from "./shift.js";
export { PowerOperator, power } from "./power.js";
export { BlockDiagonalOperator, blockDiagonal } from "./block-diagonal.js";
export { RestrictOperator, restrict } from "./restrict.js";
export { ProjectorOperator, projector, type ProjectorOptions } from "./projector.js";
export { CountedOperator, counted } from "./counted.js";
export { checkSymmetric, type CheckSymmetricOptions, type CheckSymmetricResult } from "./check-symmetric.js";
export {
  gemm,
  gemmReference,
  gemmArena,
  gemmMemoryOf,
  gemmWasmModule,
  kernelBackend,
  setKernelBackend,
  availableKernelBackends,
  GEMM_WORK_BYTES,
  DEFAULT_MIN_WASM_SIZE,
  MAX_LIVE_ARENAS,
  type KernelBackend,
  type WasmKernelBackend,
  type GemmExports,
  type GemmMemory,
} from "./gemm/index.js";
export { threads, setThreads, poolSupported } from "./pool/pool.js";
