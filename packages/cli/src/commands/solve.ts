/**
 * `krylov solve FILE.mtx`: solves A x = b for a Matrix Market matrix by CG or MINRES
 * (symmetric A) or GMRES, BiCGSTAB or IDR(s) (any square A), with an optional Jacobi
 * preconditioner, and reports the true residual ‖b − Ax‖/‖b‖ beside the solver's own.
 * For CG and MINRES, a matrix that is not exactly symmetric is refused unless `--symmetry-tol T`
 * accepts it (max |a_ij − a_ji| ≤ T·max |a_ij|); the solver then runs on A as given, and the true
 * residual is of A x = b, not of the symmetric part. The non-symmetric methods take any square
 * matrix and report its measured asymmetry. LSQR and LSMR solve min ‖Ax − b‖ (with `--damp λ`,
 * min ‖Ax − b‖² + λ²‖x‖²) for a matrix of any shape (see solve-least-squares.ts).
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { axpy, copy, diagonal, nrm2, parseMatrixMarket, rng, vec, type CsrOperator, type Vec } from "@krylov-ts/operators";
import { bicgstab, cg, gmres, idrs, minres, type Stats } from "@krylov-ts/krylov";
import { UsageError, memoryBudget, num, str, type CommandSpec, type Parsed } from "../args.js";
import { unconvergedLine, type Command, type CommandResult } from "../command.js";
import { errorCode } from "../data.js";
import { asymmetryNote, loadMatrix } from "../matrix.js";
import { convergenceSpec, renderSvg } from "../plots.js";
import type { Progress } from "../progress.js";
import { fmt, keyValues } from "../table.js";
import { solveLeastSquares } from "./solve-least-squares.js";

const spec: CommandSpec = {
  name: "solve",
  usage: "krylov solve FILE.mtx [options]",
  summary: "Solve A x = b for a Matrix Market matrix by CG or MINRES (symmetric), GMRES, BiCGSTAB or IDR(s), or min ‖Ax − b‖ by LSQR or LSMR (any shape).",
  positional: "FILE.mtx",
  options: [
    { name: "rhs", kind: "string", default: "ones", meta: "ones|random|FILE", help: "b: all ones, seeded normal draws, or numbers read from FILE (whitespace/commas, or a Matrix Market n×1 array)" },
    { name: "method", kind: "choice", choices: ["cg", "minres", "gmres", "bicgstab", "idrs", "lsqr", "lsmr"], default: "cg", help: "the Krylov solver: cg, minres (symmetric, also indefinite), gmres, bicgstab, idrs (any square A), or lsqr, lsmr (least squares, any m×n A)" },
    { name: "restart", kind: "integer", default: "20", min: 1, help: "GMRES: the Krylov dimension of a cycle (SciPy's restart)" },
    { name: "s", kind: "integer", default: "4", min: 1, help: "IDR(s): the dimension of the shadow space" },
    { name: "rtol", kind: "number", default: "1e-8", min: 0, exclusiveMin: true, help: "stop when ‖b − Ax‖ ≤ rtol·‖b‖ (lsqr, lsmr: atol = btol = rtol, see docs/cli.md)" },
    { name: "damp", kind: "number", default: "0", min: 0, meta: "λ", help: "lsqr, lsmr: minimize ‖Ax − b‖² + λ²‖x‖²" },
    { name: "max-iterations", kind: "integer", default: "100000", min: 1, help: "iteration budget" },
    { name: "precond", kind: "choice", choices: ["none", "jacobi"], default: "none", help: "preconditioner: none, or Jacobi M = diag(A)⁻¹" },
    { name: "seed", kind: "integer", default: "0", help: "seed of --rhs random" },
    { name: "symmetry-tol", kind: "number", default: "0", min: 0, meta: "T", help: "cg, minres: accept a non-symmetric A when max |a_ij − a_ji| ≤ T·max |a_ij| (0: exact symmetry); with T > 0 the solver runs on A as given, not on (A + Aᵀ)/2" },
  ],
  epilog: [
    "Examples:",
    "  krylov solve 494_bus.mtx --precond jacobi --rtol 1e-10 --out solve-report",
    "  krylov solve convdiff.mtx --method gmres --restart 30 --precond jacobi",
    "  krylov solve well1033.mtx --method lsmr --rtol 1e-10 --damp 1e-3",
  ],
};

async function run(args: Parsed, bar: Progress): Promise<CommandResult> {
  const v = args.values;
  const method = str(v, "method");
  if (method === "lsqr" || method === "lsmr") return solveLeastSquares(args, bar, method, rightHandSide);
  if (num(v, "damp") !== 0) throw new UsageError(`krylov solve: --damp is for --method lsqr or lsmr, not ${method}`);
  const symmetric = method === "cg" || method === "minres";
  const symmetryTol = num(v, "symmetry-tol");
  // GMRES, BiCGSTAB and IDR(s) take any square matrix: no symmetry test.
  // Per row: b, x, r, the solver's work vectors (GMRES: its restart basis; IDR(s): 3s + 6) and
  // the preconditioner (8 bytes each), and x in the report (up to 25 characters of JSON a
  // number, as a string and in report.json).
  const work = method === "gmres" ? num(v, "restart") + 12 : method === "idrs" ? 3 * num(v, "s") + 12 : 12;
  const perRow = 8 * work + 2 * 25;
  const { path, matrix: A, info, asymmetry } = loadMatrix("solve", args.positional, symmetric ? symmetryTol : Infinity, memoryBudget(v), perRow);
  const n = A.shape[0];
  const precond = str(v, "precond");
  const rtol = num(v, "rtol");
  const maxIterations = num(v, "max-iterations");
  const b = rightHandSide(str(v, "rhs"), n, num(v, "seed"));
  const M = precond === "jacobi" ? jacobi(A, path) : undefined;

  bar.start(`solve (${method})`, maxIterations);
  const callback = (info: { iteration: number; residualNorm: number }): void => {
    bar.update(info.iteration, `‖r‖ ${fmt(info.residualNorm, 3)}`);
  };
  const common = { rtol, maxIterations, history: true, callback, ...(M === undefined ? {} : { M }) };
  const t0 = performance.now();
  const result =
    method === "cg" ? cg(A, b, common)
    : method === "minres" ? minres(A, b, common)
    : method === "gmres" ? gmres(A, b, { ...common, restart: num(v, "restart") })
    : method === "bicgstab" ? bicgstab(A, b, common)
    : idrs(A, b, { ...common, s: Math.min(num(v, "s"), n) });
  const seconds = (performance.now() - t0) / 1000;
  bar.stop();
  const { x, stats } = result;

  // The true residual b − Ax, one more product, not counted in the solver's stats.
  const r = copy(b);
  axpy(-1, A.apply(x), r);
  const bNorm = nrm2(b);
  const trueRelative = nrm2(r) / bNorm;
  const report = {
    command: "solve",
    matrix: { path, ...info, symmetric: A.symmetric, asymmetry },
    options: {
      rhs: str(v, "rhs"), method, precond, rtol, maxIterations, seed: num(v, "seed"), symmetryTol,
      ...(method === "gmres" ? { restart: num(v, "restart") } : {}), ...(method === "idrs" ? { s: num(v, "s") } : {}),
    },
    result: {
      status: stats.status,
      converged: stats.converged,
      iterations: stats.iterations,
      matvecs: stats.matvecs,
      residualNorm: stats.residualNorm,
      relativeResidual: stats.residualNorm / bNorm,
      trueRelativeResidual: trueRelative,
      bNorm,
      xNorm: nrm2(x),
      seconds,
      ...(stats.message === undefined ? {} : { message: stats.message }),
    },
    residualHistory: stats.residualHistory ?? [],
    x: Array.from(x.data.subarray(x.offset, x.offset + n)),
  };
  const text = [
    `krylov solve ${path}: ${n}×${n}, ${A.nnz} nonzeros, ${method}${M === undefined ? "" : " + Jacobi"}`,
    ...(symmetric ? asymmetryNote(asymmetry, symmetryTol) : asymmetry === 0 ? [] : [`A is non-symmetric: max |a_ij − a_ji| = ${asymmetry.toExponential(1)}·max|a|`]),
    "",
    keyValues([
      ["status", stats.status + (stats.message === undefined ? "" : ` (${stats.message})`)],
      ["iterations", String(stats.iterations)],
      ["matvecs", String(stats.matvecs)],
      ["‖r‖/‖b‖ (solver)", fmt(stats.residualNorm / bNorm)],
      ["‖b − Ax‖/‖b‖ (true)", fmt(trueRelative)],
      ["rtol", fmt(rtol)],
      ["‖x‖", fmt(nrm2(x))],
      ["time", `${seconds.toFixed(3)} s`],
    ]),
  ].join("\n");
  const plots = async (): Promise<Map<string, string>> => new Map<string, string>([
    [
      "convergence.svg",
      await renderSvg(
        convergenceSpec(`${method} on ${baseName(path)}`, [
          { title: "residual norm after each iteration", series: [{ name: method, residuals: residuals(stats) }], target: rtol * bNorm, targetLabel: "rtol·‖b‖" },
        ]),
      ),
    ],
  ]);
  return { report, text, plots, unconverged: unconvergedLine(method, stats) };
}

function residuals(stats: Stats): number[] {
  return stats.residualHistory ?? [];
}

function baseName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

/** The Jacobi preconditioner diag(A)⁻¹; refuses a zero diagonal entry. */
function jacobi(A: CsrOperator, path: string): ReturnType<typeof diagonal> {
  const n = A.shape[0];
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let k = A.rowPointers[i] as number; k < (A.rowPointers[i + 1] as number); k++) {
      if (A.colIndices[k] === i) d[i] = (d[i] as number) + (A.values[k] as number);
    }
    if (d[i] === 0) throw new UsageError(`krylov solve: --precond jacobi needs a nonzero diagonal, but A(${i + 1}, ${i + 1}) of ${path} is 0`);
    d[i] = 1 / (d[i] as number);
  }
  return diagonal(d);
}

/** b from `--rhs`: `ones`, `random` (seeded normal), or a file of n numbers (A is `shape`, n its rows). */
const DECIMAL_REAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

function rightHandSide(rhs: string, n: number, seed: number, shape = `${n}×${n}`): Vec {
  if (rhs === "ones") return vec(new Float64Array(n).fill(1));
  if (rhs === "random") return rng(seed).normalVec(n);
  let text: string;
  try {
    text = readFileSync(rhs, "utf8");
  } catch (e) {
    throw new UsageError(`krylov solve: cannot read --rhs file '${rhs}' (${errorCode(e)})`);
  }
  let values: number[];
  if (text.startsWith("%%MatrixMarket")) {
    try {
      const { matrix } = parseMatrixMarket(text);
      if (matrix.shape[1] !== 1) throw new UsageError(`krylov solve: --rhs ${rhs} is ${matrix.shape[0]}×${matrix.shape[1]}, not a column`);
      values = Array.from(matrix.apply(vec([1])).data);
    } catch (e) {
      if (e instanceof UsageError) throw e;
      throw new UsageError(`krylov solve: --rhs ${rhs}: ${(e instanceof Error ? e.message : String(e)).replace(/^readMatrixMarket: /, "")}`);
    }
  } else {
    values = [];
    text.split(/\r?\n/).forEach((line, i) => {
      for (const token of line.split(/[\s,]+/).filter((t) => t !== "")) {
        // Decimal reals only, as in a Matrix Market file: Number() would also take 0x10, 0b11 and ''.
        const x = DECIMAL_REAL.test(token) ? Number(token) : NaN;
        if (!Number.isFinite(x)) throw new UsageError(`krylov solve: --rhs ${rhs}: line ${i + 1}: '${token}' is not a finite decimal number`);
        values.push(x);
      }
    });
  }
  if (values.length !== n) throw new UsageError(`krylov solve: --rhs ${rhs} holds ${values.length} numbers but the matrix is ${shape}`);
  return vec(values);
}

/** The `solve` subcommand. */
export const solve: Command = { spec, run };
