/**
 * @krylov-ts/krylov — Krylov solvers, eigenvalues, trace and spectral density on `LinearOperator`s.
 *
 * @module @krylov-ts/krylov
 */
export type { Status, Stats } from "./stats.js";
export { tridiagonalEigen, type TridiagonalEigenOptions, type TridiagonalEigenResult } from "./tridiagonal.js";
export { cg, type CgOptions, type CgResult, type CgIteration, type CgEstimates } from "./cg.js";
export { minres, type MinresOptions, type MinresResult, type MinresIteration } from "./minres.js";
export { powerIteration, type PowerOptions, type PowerResult, type PowerIteration } from "./power.js";
export { hutchinson, type HutchinsonOptions, type HutchinsonResult, type HutchinsonProbe } from "./hutchinson.js";
export {
  lanczosProcess,
  type LanczosProcessOptions,
  type LanczosProcessResult,
  type LanczosStepInfo,
  type Reorthogonalization,
} from "./lanczos/process.js";
export { lanczos, type LanczosOptions, type LanczosResult, type LanczosRestartInfo, type Which } from "./lanczos/lanczos.js";
export { slq, type SlqOptions, type SlqResult, type SlqProbe } from "./slq.js";
export { arnoldi, type ArnoldiOptions, type ArnoldiResult, type Orthogonalization } from "./arnoldi.js";
export { gmres, type GmresOptions, type GmresResult, type GmresIteration } from "./gmres.js";
export { fgmres } from "./fgmres.js";
export { lsqr, type LsqrOptions, type LsqrResult } from "./lsqr.js";
export { lsmr, type LsmrOptions, type LsmrResult } from "./lsmr.js";
export type { LeastSquaresIteration, LeastSquaresOptions, LeastSquaresEstimates } from "./least-squares-common.js";
export { bicgstab, type BicgstabOptions, type BicgstabResult, type BicgstabIteration } from "./bicgstab.js";
export { idrs, type IdrsOptions, type IdrsResult, type IdrsIteration } from "./idrs.js";
export { svds, type SvdsOptions, type SvdsResult, type SvdsRestartInfo } from "./svds.js";
export { eigs, type EigsOptions, type EigsResult, type EigsRestartInfo, type EigsWhich } from "./eigs/eigs.js";
export { lobpcg, type LobpcgOptions, type LobpcgResult, type LobpcgIteration } from "./lobpcg/lobpcg.js";
export { golubKahan, type GolubKahanOptions, type GolubKahanResult } from "./golub-kahan.js";
