/**
 * `krylov svds FILE.mtx -k 10`: the largest (or smallest) singular values of a Matrix Market
 * matrix of any shape by IRLBA (thick-restart Golub–Kahan–Lanczos), with their measured
 * residuals max(‖Av − σu‖, ‖Aᵀu − σv‖).
 *
 * @module
 */
import { svds as irlba } from "@krylov-ts/krylov";
import { UsageError, memoryBudget, num, str, type CommandSpec, type Parsed } from "../args.js";
import { unconvergedLine, type Command, type CommandResult } from "../command.js";
import { readMatrixFile } from "../matrix.js";
import { convergenceSpec, renderSvg } from "../plots.js";
import type { Progress } from "../progress.js";
import { fmt, table } from "../table.js";

const spec: CommandSpec = {
  name: "svds",
  usage: "krylov svds FILE.mtx [options]",
  summary: "Largest or smallest singular values of a Matrix Market matrix of any shape (IRLBA).",
  positional: "FILE.mtx",
  options: [
    { name: "k", short: "k", kind: "integer", default: "6", min: 1, help: "how many singular values (at most min(m, n))" },
    { name: "which", kind: "choice", choices: ["largest", "smallest"], default: "largest", help: "which end of the singular spectrum" },
    { name: "tol", kind: "number", default: "1e-10", min: 0, exclusiveMin: true, help: "stop when every max(‖Av − σu‖, ‖Aᵀu − σv‖) ≤ tol·‖A‖ (‖A‖ estimated)" },
    { name: "basis", kind: "integer", meta: "L", help: "bidiagonalization steps per restart cycle (default min(max(2k + 10, 20), min(m, n)); smallest: min(max(2k + 40, 50), min(m, n)))" },
    { name: "seed", kind: "integer", default: "0", help: "seed of the start vector" },
  ],
  epilog: ["Example:", "  krylov svds well1033.mtx -k 10 --out svds-report"],
};

async function run(args: Parsed, bar: Progress): Promise<CommandResult> {
  const v = args.values;
  const k = num(v, "k");
  // Per row of the longer side: the two bidiagonalization bases (u and v), the k singular
  // vectors of each side and a few work vectors (8 bytes each).
  const perRow = 16 * (Math.max(2 * k + 10, 20, v.basis === undefined ? 0 : num(v, "basis")) + k + 8);
  const { path, matrix: A, info } = readMatrixFile("svds", args.positional, memoryBudget(v), perRow);
  const [m, n] = A.shape;
  if (k > Math.min(m, n)) throw new UsageError(`krylov svds: -k ${k} is larger than min(m, n) = ${Math.min(m, n)} of ${path} (${m}×${n})`);
  const which = str(v, "which") as "largest" | "smallest";
  const tol = num(v, "tol");
  const seed = num(v, "seed");
  const basis = v.basis === undefined ? undefined : num(v, "basis");
  if (basis !== undefined && (basis < Math.min(k + 1, Math.min(m, n)) || basis > Math.min(m, n))) {
    throw new UsageError(`krylov svds: --basis ${basis} must lie in [${Math.min(k + 1, Math.min(m, n))}, ${Math.min(m, n)}] for -k ${k} on ${m}×${n}`);
  }

  bar.start("svds", 1);
  const t0 = performance.now();
  const result = irlba(A, {
    k, which, tol, seed, ...(basis === undefined ? {} : { maxBasis: basis }),
    callback: (it) => bar.update(0, `${it.matvecs} matvecs, ‖r‖/‖A‖ ${fmt(it.residualNorm, 3)}`),
  });
  const seconds = (performance.now() - t0) / 1000;
  bar.stop();
  const values = Array.from(result.values);
  const residuals = Array.from(result.residuals);
  const report = {
    command: "svds",
    matrix: { path, ...info },
    options: { k, which, tol, seed, ...(basis === undefined ? {} : { basis }) },
    singularValues: values,
    residualNorms: residuals,
    stats: { ...result.stats, restarts: result.estimates.restarts, normA: result.estimates.normA, seconds },
  };
  const text = [
    `krylov svds ${path}: ${m}×${n}, ${A.nnz} nonzeros, ${k} ${which}`,
    "",
    table(["#", "singular value", "max(‖Av − σu‖, ‖Aᵀu − σv‖)"], values.map((s, i) => [String(i + 1), fmt(s, 12), fmt(residuals[i] as number, 3)])),
    "",
    `status ${result.stats.status}${result.stats.message === undefined ? "" : ` (${result.stats.message})`}, ${result.stats.matvecs} matvecs (A and Aᵀ), ` +
      `${result.estimates.restarts} cycles, ${seconds.toFixed(3)} s`,
  ].join("\n");
  const plots = async (): Promise<Map<string, string>> => new Map<string, string>([
    [
      "convergence.svg",
      await renderSvg(
        convergenceSpec(`IRLBA on ${path.split(/[\\/]/).pop() ?? path}`, [
          {
            title: "largest residual estimate of the wanted triplets over ‖A‖, after each restart cycle",
            xTitle: "restart cycle",
            series: [{ name: "svds", residuals: result.stats.residualHistory ?? [], first: 1 }],
            target: tol,
            targetLabel: "tol",
          },
        ]),
      ),
    ],
  ]);
  return { report, text, plots, unconverged: unconvergedLine("svds", result.stats) };
}

/** The `svds` subcommand. */
export const svds: Command = { spec, run };
