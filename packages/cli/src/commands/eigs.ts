/**
 * `krylov eigs FILE.mtx`: the extreme eigenvalues of a symmetric Matrix Market matrix by
 * thick-restart Lanczos, with their residuals ‖Av − λv‖, and (with `--out`) the spectral
 * density by stochastic Lanczos quadrature with those eigenvalues marked, and Lanczos'
 * convergence: the largest residual norm of the wanted pairs after each restart cycle.
 * A matrix that is not exactly symmetric goes to Krylov–Schur (eigs-nonsymmetric.ts: complex
 * pairs, measured residuals, no density) unless `--symmetry-tol T` accepts it as symmetric
 * (max |a_ij − a_ji| ≤ T·max |a_ij|); Lanczos then runs on A as given (its recurrence assumes
 * A = Aᵀ), so the values are those of (A + Aᵀ)/2 only up to an error of the order of T·max |a_ij|.
 *
 * @module
 */
import { lanczos, slq } from "@krylov-ts/krylov";
import { UsageError, memoryBudget, num, str, type CommandSpec, type Parsed } from "../args.js";
import { unconvergedLine, type Command, type CommandResult } from "../command.js";
import { asymmetryNote, loadMatrix } from "../matrix.js";
import { duration, slqSeconds } from "../cost.js";
import { nonsymmetricEigs } from "./eigs-nonsymmetric.js";
import { densityGrid, sortedPairs } from "../spectrum.js";
import { convergenceSpec, renderSvg, spectrumSpec } from "../plots.js";
import type { Progress } from "../progress.js";
import { fmt, table } from "../table.js";

const spec: CommandSpec = {
  name: "eigs",
  usage: "krylov eigs FILE.mtx [options]",
  summary: "Extreme eigenvalues of a Matrix Market matrix (thick-restart Lanczos; Krylov–Schur if non-symmetric).",
  positional: "FILE.mtx",
  options: [
    { name: "k", short: "k", kind: "integer", default: "6", min: 1, help: "how many eigenvalues (at most n)" },
    { name: "which", kind: "choice", choices: ["largest", "smallest", "both", "largest-magnitude", "smallest-magnitude"], default: "largest", help: "which end of the spectrum (both: k from each end; non-symmetric A: largest/smallest real part, or largest/smallest magnitude)" },
    { name: "tol", kind: "number", default: "1e-10", min: 0, exclusiveMin: true, help: "stop when every ‖Av − λv‖ ≤ tol·‖A‖ (‖A‖ estimated)" },
    { name: "probes", kind: "integer", default: "8", min: 1, help: "random probes of the spectral density (SLQ), for --out" },
    { name: "steps", kind: "integer", default: "60", min: 2, help: "Lanczos steps per SLQ probe" },
    { name: "seed", kind: "integer", default: "0", help: "seed of the Lanczos start vector and SLQ probes" },
    { name: "symmetry-tol", kind: "number", default: "0", min: 0, meta: "T", help: "accept a non-symmetric A when max |a_ij − a_ji| ≤ T·max |a_ij| (0: exact symmetry); with T > 0 the solver runs on A as given, not on (A + Aᵀ)/2" },
    { name: "max-hours", kind: "number", default: "1", min: 0, exclusiveMin: true, meta: "H", help: "refuse a density (--probes × --steps) estimated (at 10⁸ flop/s) to take longer" },
  ],
  epilog: ["Example:", "  krylov eigs gr_30_30.mtx -k 4 --which both --out eigs-report"],
};

async function run(args: Parsed, bar: Progress): Promise<CommandResult> {
  const v = args.values;
  const symmetryTol = num(v, "symmetry-tol");
  const k = num(v, "k");
  const which = str(v, "which") as "largest" | "smallest" | "both";
  const wanted = which === "both" ? 2 * k : k;
  // Per row: Lanczos' basis of max(4k, 50) vectors (lanczos' default maxBasis) and its Ritz
  // vectors, SLQ's --steps vectors, a dozen work vectors; the file's own rows are counted by loadMatrix.
  // (Krylov–Schur's basis of max(2k + 1, 20) vectors fits in the same.)
  const perRow = (m: number): number => 8 * (Math.min(Math.max(4 * wanted, 50), m) + wanted + Math.min(num(v, "steps"), m) + 12);
  // A matrix outside --symmetry-tol goes to Krylov–Schur (eigs), which takes any square matrix.
  const file = loadMatrix("eigs", args.positional, Infinity, memoryBudget(v), perRow);
  const slqTime = slqSeconds(num(v, "probes"), Math.min(num(v, "steps"), file.matrix.shape[0]), file.matrix.shape[0], file.matrix.nnz);
  if (slqTime > 3600 * num(v, "max-hours")) {
    throw new UsageError(
      `krylov eigs: the density of ${file.path} (--probes ${num(v, "probes")} × --steps ${num(v, "steps")}) would take about ${duration(slqTime)} (estimated at 10⁸ flop/s), above --max-hours ${num(v, "max-hours")}`,
    );
  }
  if (!(file.asymmetry <= symmetryTol)) {
    return nonsymmetricEigs(file, { k, which, tol: num(v, "tol"), seed: num(v, "seed"), symmetryTol }, bar);
  }
  const { path, matrix: A, info, asymmetry } = file;
  const n = A.shape[0];
  if (which !== "largest" && which !== "smallest" && which !== "both") {
    throw new UsageError(`krylov eigs: --which ${which as string} is for non-symmetric matrices; ${path} is symmetric (use largest, smallest or both)`);
  }
  if (wanted > n) {
    throw new UsageError(`krylov eigs: -k ${k}${which === "both" ? " from each end" : ""} is larger than n = ${n} of ${path}`);
  }
  const tol = num(v, "tol");
  const seed = num(v, "seed");

  bar.start("lanczos", wanted);
  const t0 = performance.now();
  const locked: number[] = []; // pairs locked after each restart cycle (the plot's second axis)
  const callback = (info: { locked: number; matvecs: number; residualNorm: number }): void => {
    locked.push(info.locked);
    bar.update(Math.min(info.locked, wanted), `${info.matvecs} matvecs, ‖r‖ ${fmt(info.residualNorm, 3)}`);
  };
  const result = lanczos(A, { k: wanted, which, tol, seed, history: true, callback });
  const seconds = (performance.now() - t0) / 1000;
  bar.stop();
  const pairs = sortedPairs(result.values, result.residualNorms);

  const probes = num(v, "probes");
  const steps = Math.min(num(v, "steps"), n);
  bar.start("density (SLQ)", probes);
  const density = slq(A, { probes, steps, seed, callback: (info) => bar.update(info.probes, `${info.matvecs} matvecs`) });
  bar.stop();
  const { grid, sigma } = densityGrid(density.nodes, pairs.map((p) => p.value));
  const curve = density.density(grid, sigma);

  const report = {
    command: "eigs",
    matrix: { path, ...info, symmetric: A.symmetric, asymmetry },
    options: { k, which, tol, seed, probes, steps, symmetryTol },
    eigenvalues: pairs.map((p) => p.value),
    residualNorms: pairs.map((p) => p.residual),
    stats: { ...result.stats, restarts: result.restarts, seconds },
    density: { grid: Array.from(grid), values: Array.from(curve), sigma, probes, steps },
  };
  const text = [
    `krylov eigs ${path}: ${n}×${n}, ${A.nnz} nonzeros, ${k} ${which === "both" ? "from each end" : which}`,
    ...asymmetryNote(asymmetry, symmetryTol),
    "",
    table(
      ["#", "eigenvalue", "‖Av − λv‖"],
      pairs.map((p, i) => [String(i + 1), fmt(p.value, 12), fmt(p.residual, 3)]),
    ),
    "",
    `status ${result.stats.status}${result.stats.message === undefined ? "" : ` (${result.stats.message})`}, ${result.stats.matvecs} matvecs, ${result.stats.iterations} iterations, ${seconds.toFixed(3)} s`,
  ].join("\n");
  const marks = pairs.map((p, i) => ({
    value: p.value,
    kind: which === "smallest" || (which === "both" && p.value <= (pairs[k - 1]?.value ?? -Infinity)) ? "smallest" : "largest",
    label: `λ${i + 1}`,
  }));
  // Lanczos' convergence: the largest ‖Av − λv‖ of the wanted pairs not yet locked after each
  // restart cycle; it jumps up when a pair locks and a less converged one is tracked, which the
  // count of locked pairs beside it shows.
  const series = [{ name: "lanczos", residuals: result.stats.residualHistory ?? [], first: 1, locked }];
  const normEstimate = Math.max(...pairs.map((p) => Math.abs(p.value)), 0);
  const plots = async (): Promise<Map<string, string>> => new Map<string, string>([
    ["spectrum.svg", await renderSvg(spectrumSpec(`Spectral density of ${baseName(path)}`, grid, curve, marks))],
    [
      "convergence.svg",
      await renderSvg(
        convergenceSpec(`Lanczos on ${baseName(path)}`, [
          {
            title: "largest ‖Av − λv‖ of the wanted pairs after each restart cycle; dotted: pairs locked",
            xTitle: "restart cycle",
            series,
            target: tol * normEstimate,
            targetLabel: "tol·‖A‖",
          },
        ]),
      ),
    ],
  ]);
  return { report, text, plots, unconverged: unconvergedLine("lanczos", result.stats) };
}

function baseName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

/** The `eigs` subcommand. */
export const eigs: Command = { spec, run };
