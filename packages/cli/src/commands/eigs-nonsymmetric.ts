/**
 * `krylov eigs FILE.mtx` on a non-symmetric matrix: a few eigenvalues by Krylov–Schur (`eigs` of
 * @krylov-ts/krylov), complex pairs as re ± i·im, each with its measured residual ‖Av − λv‖.
 *
 * @module
 */
import type { CsrOperator, MatrixMarketInfo } from "@krylov-ts/operators";
import { eigs, type EigsWhich } from "@krylov-ts/krylov";
import { UsageError } from "../args.js";
import { unconvergedLine, type CommandResult } from "../command.js";
import { convergenceSpec, renderSvg } from "../plots.js";
import type { Progress } from "../progress.js";
import { fmt, table } from "../table.js";

/** `--which` of the command, read for a non-symmetric matrix. */
const WHICH: Record<string, EigsWhich> = {
  largest: "largestReal",
  smallest: "smallestReal",
  "largest-magnitude": "largestMagnitude",
  "smallest-magnitude": "smallestMagnitude",
};

/** Runs Krylov–Schur on the non-symmetric A and builds the command's report, text and plot. */
export function nonsymmetricEigs(
  file: { path: string; matrix: CsrOperator; info: MatrixMarketInfo; asymmetry: number },
  options: { k: number; which: string; tol: number; seed: number; symmetryTol: number },
  bar: Progress,
): CommandResult {
  const { path, matrix: A, info, asymmetry } = file;
  const n = A.shape[0];
  const which = WHICH[options.which];
  if (which === undefined) {
    throw new UsageError(
      `krylov eigs: ${path} is not symmetric: max |a_ij − a_ji| = ${asymmetry.toExponential(1)}·max|a|, above --symmetry-tol ${options.symmetryTol} ` +
        `(--which ${options.which} needs Lanczos and A = Aᵀ; Krylov–Schur takes largest, smallest, largest-magnitude or smallest-magnitude)`,
    );
  }
  if (options.k > n) throw new UsageError(`krylov eigs: -k ${options.k} is larger than n = ${n} of ${path}`);
  bar.start("krylov–schur", options.k);
  const t0 = performance.now();
  const result = eigs(A, {
    k: options.k,
    which,
    tol: options.tol,
    seed: options.seed,
    vectors: false,
    history: true,
    callback: (c) => bar.update(Math.min(c.converged, options.k), `${c.matvecs} matvecs, ‖r‖ ${fmt(c.residualNorm, 3)}`),
  });
  const seconds = (performance.now() - t0) / 1000;
  bar.stop();
  const { re, im, residualNorms, stats } = result;
  const report = {
    command: "eigs",
    matrix: { path, ...info, symmetric: false, asymmetry },
    options: { k: options.k, which: options.which, tol: options.tol, seed: options.seed, method: "krylov-schur" },
    eigenvalues: Array.from(re),
    eigenvaluesImaginary: Array.from(im),
    residualNorms: Array.from(residualNorms),
    stats: { ...stats, restarts: result.restarts, seconds },
  };
  const text = [
    `krylov eigs ${path}: ${n}×${n}, ${A.nnz} nonzeros, non-symmetric (max |a_ij − a_ji| = ${asymmetry.toExponential(1)}·max|a|), ${options.k} ${options.which} by Krylov–Schur`,
    "",
    table(
      ["#", "re λ", "im λ", "‖Av − λv‖"],
      Array.from(re, (r, i) => [String(i + 1), fmt(r, 12), fmt(im[i] as number, 12), fmt(residualNorms[i] as number, 3)]),
    ),
    "",
    `status ${stats.status}${stats.message === undefined ? "" : ` (${stats.message})`}, ${stats.matvecs} matvecs, ${result.restarts} restarts, ${seconds.toFixed(3)} s`,
  ].join("\n");
  const plots = async (): Promise<Map<string, string>> => new Map<string, string>([
    [
      "convergence.svg",
      await renderSvg(
        convergenceSpec(`Krylov–Schur on ${path.split(/[\\/]/).pop() ?? path}`, [
          { title: "largest estimated ‖Av − λv‖ of the wanted pairs after each restart cycle", xTitle: "restart cycle", series: [{ name: "krylov-schur", residuals: stats.residualHistory ?? [], first: 1 }] },
        ]),
      ),
    ],
  ]);
  return { report, text, plots, unconverged: unconvergedLine("krylov–schur", stats) };
}
