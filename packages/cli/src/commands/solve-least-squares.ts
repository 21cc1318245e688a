/**
 * `krylov solve FILE.mtx --method lsqr|lsmr`: min ‖Ax − b‖ (with `--damp λ`, min ‖Ax − b‖² +
 * λ²‖x‖²) for a Matrix Market matrix of any shape, with the true ‖b − Ax‖ and ‖Aᵀ(b − Ax) − λ²x‖
 * reported beside the solver's stopping rule.
 *
 * @module
 */
import { axpy, copy, nrm2, type Vec } from "@krylov-ts/operators";
import { lsmr, lsqr } from "@krylov-ts/krylov";
import { UsageError, memoryBudget, num, str, type Parsed } from "../args.js";
import { unconvergedLine, type CommandResult } from "../command.js";
import { readMatrixFile } from "../matrix.js";
import { convergenceSpec, renderSvg } from "../plots.js";
import type { Progress } from "../progress.js";
import { fmt, keyValues } from "../table.js";

/** Runs the least-squares methods of `krylov solve` (`rightHandSide` reads `--rhs` for m rows). */
export async function solveLeastSquares(
  args: Parsed, bar: Progress, method: "lsqr" | "lsmr",
  rightHandSide: (rhs: string, m: number, seed: number, shape: string) => Vec,
): Promise<CommandResult> {
  const v = args.values;
  // Per row of the longer side: b, x, r, Aᵀr and the method's work vectors (8 bytes each),
  // and x in the report (up to 25 characters of JSON a number, as a string and in report.json).
  const { path, matrix: A, info } = readMatrixFile("solve", args.positional, memoryBudget(v), 8 * 14 + 2 * 25);
  const [m, n] = A.shape;
  if (str(v, "precond") !== "none") throw new UsageError(`krylov solve: --precond is not available with --method ${method} (it is for the square methods)`);
  const rtol = num(v, "rtol");
  const damp = num(v, "damp");
  const maxIterations = num(v, "max-iterations");
  const b = rightHandSide(str(v, "rhs"), m, num(v, "seed"), `${m}×${n}`);

  bar.start(`solve (${method})`, maxIterations);
  const callback = (it: { iteration: number; residualNorm: number; normAr: number }): void => {
    bar.update(it.iteration, `‖r‖ ${fmt(it.residualNorm, 3)}, ‖Aᵀr‖ ${fmt(it.normAr, 3)}`);
  };
  const options = { atol: rtol, btol: rtol, damp, maxIterations, history: true, callback };
  const t0 = performance.now();
  const { x, stats, estimates } = method === "lsqr" ? lsqr(A, b, options) : lsmr(A, b, options);
  const seconds = (performance.now() - t0) / 1000;
  bar.stop();

  // The true residual b − Ax and Aᵀr, recomputed here (two products, not in the solver's stats).
  const r = copy(b);
  axpy(-1, A.apply(x), r);
  const atr = (A.applyTranspose as (x: Vec) => Vec)(r);
  if (damp > 0) axpy(-damp * damp, x, atr);
  const bNorm = nrm2(b);
  const rNorm = nrm2(r);
  const arNorm = nrm2(atr);
  const report = {
    command: "solve",
    matrix: { path, ...info },
    options: { rhs: str(v, "rhs"), method, rtol, damp, maxIterations, seed: num(v, "seed") },
    result: {
      status: stats.status,
      converged: stats.converged,
      rule: estimates.rule === 1 ? "compatible" : estimates.rule === 2 ? "least squares" : "none",
      iterations: stats.iterations,
      matvecs: stats.matvecs,
      residualNorm: stats.residualNorm,
      trueRelativeResidual: rNorm / bNorm,
      normAr: arNorm,
      relativeNormAr: arNorm / (estimates.normA * Math.max(rNorm, Number.MIN_VALUE)),
      normA: estimates.normA,
      condA: estimates.condA,
      bNorm,
      xNorm: nrm2(x),
      seconds,
      ...(stats.message === undefined ? {} : { message: stats.message }),
    },
    residualHistory: stats.residualHistory ?? [],
    x: Array.from(x.data.subarray(x.offset, x.offset + n)),
  };
  const text = [
    `krylov solve ${path}: ${m}×${n}, ${A.nnz} nonzeros, ${method}${damp > 0 ? `, damping λ = ${fmt(damp)}` : ""} (min ‖Ax − b‖${damp > 0 ? "² + λ²‖x‖²" : ""})`,
    "",
    keyValues([
      ["status", stats.status + (stats.message === undefined ? "" : ` (${stats.message})`)],
      ["rule met", report.result.rule],
      ["iterations", String(stats.iterations)],
      ["matvecs (A and Aᵀ)", String(stats.matvecs)],
      ["‖b − Ax‖/‖b‖ (true)", fmt(rNorm / bNorm)],
      ["‖Aᵀr‖/(‖A‖‖r‖) (true)", fmt(report.result.relativeNormAr)],
      ["‖A‖, cond(A) (estimates)", `${fmt(estimates.normA)}, ${fmt(estimates.condA)}`],
      ["rtol (atol = btol)", fmt(rtol)],
      ["‖x‖", fmt(nrm2(x))],
      ["time", `${seconds.toFixed(3)} s`],
    ]),
  ].join("\n");
  const plots = async (): Promise<Map<string, string>> => new Map<string, string>([
    [
      "convergence.svg",
      await renderSvg(
        convergenceSpec(`${method} on ${path.split(/[\\/]/).pop() ?? path}`, [
          { title: "‖r‖ estimate after each iteration", series: [{ name: method, residuals: stats.residualHistory ?? [] }], target: rtol * bNorm, targetLabel: "rtol·‖b‖" },
        ]),
      ),
    ],
  ]);
  return { report, text, plots, unconverged: unconvergedLine(method, stats) };
}
