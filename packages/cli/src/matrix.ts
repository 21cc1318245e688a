/**
 * Reading a Matrix Market file for `krylov eigs` and `krylov solve`, with every failure turned
 * into a one-line `UsageError` that names the file (and the line, for a malformed one).
 *
 * @module
 */
import { readFileSync, statSync } from "node:fs";
import { matrixMarketBytes, parseMatrixMarket, type CsrOperator, type MatrixMarketInfo } from "@krylov-ts/operators";
import { UsageError } from "./args.js";
import { errorCode } from "./data.js";

/** A matrix read from a file, with what its header declared. */
export interface MatrixFile {
  readonly path: string;
  readonly matrix: CsrOperator;
  readonly info: MatrixMarketInfo;
  /** max |a_ij − a_ji| / max |a_ij| (0 for an exactly symmetric matrix; see `relativeAsymmetry`). */
  readonly asymmetry: number;
}

/**
 * Reads and parses `path`, and refuses a matrix that is not square, or not symmetric within
 * `symmetryTol`: it is accepted when max |a_ij − a_ji| ≤ symmetryTol·max |a_ij| (0, the
 * default, asks for exact symmetry). An accepted matrix is returned as given, not symmetrized.
 * `command` names the subcommand in error messages, which report the measured asymmetry.
 *
 * Memory: the file, the reader's peak (`matrixMarketBytes`) and the command's own `bytesPerRow`·n
 * (a number, or a function of the matrix's m and n when the command's vectors depend on them)
 * (its vectors, its Lanczos basis, its report) must fit `budget` bytes (`--max-memory`); the file
 * is refused by its size on disk before it is read, and by its size line before the matrix is
 * allocated.
 */
export function loadMatrix(
  command: string,
  path: string | undefined,
  symmetryTol = 0,
  budget = 2 ** 31,
  bytesPerRow: number | ((rows: number, cols: number) => number) = 0,
): MatrixFile {
  const file = readMatrixFile(command, path, budget, bytesPerRow);
  const [m, n] = file.matrix.shape;
  if (m !== n) throw new UsageError(`krylov ${command}: ${file.path} is ${m}×${n}, but ${command} needs a square matrix`);
  const asymmetry = file.matrix.symmetric ? 0 : relativeAsymmetry(file.matrix);
  if (!(asymmetry <= symmetryTol)) {
    throw new UsageError(
      `krylov ${command}: ${file.path} is not symmetric: max |a_ij − a_ji| = ${asymmetry.toExponential(1)}·max|a|, above --symmetry-tol ${symmetryTol}` +
        ` (${command === "eigs" ? "Lanczos needs A = Aᵀ" : "CG and MINRES need A = Aᵀ; --method gmres, bicgstab or idrs takes any square matrix"})`,
    );
  }
  return { ...file, asymmetry };
}

/** The line a command prints under its title when it runs on a matrix accepted by `--symmetry-tol` (none for a symmetric one). */
export function asymmetryNote(asymmetry: number, symmetryTol: number): string[] {
  if (asymmetry === 0) return [];
  return [`A is not exactly symmetric: max |a_ij − a_ji| = ${asymmetry.toExponential(1)}·max|a|, within --symmetry-tol ${symmetryTol}; run on A as given`];
}

/**
 * max_ij |a_ij − a_ji| / max_ij |a_ij| of a square CSR matrix (a missing entry counts as 0;
 * 0 for the zero matrix), in O(nnz + n): Aᵀ is built by a counting scatter, then each row of
 * A − Aᵀ is gathered into one dense scratch row and cleared again.
 */
export function relativeAsymmetry(A: CsrOperator): number {
  const n = A.shape[0];
  const rp = A.rowPointers;
  const ci = A.colIndices;
  const v = A.values;
  const nnz = rp[n] as number;
  // Aᵀ in CSR form: row j of Aᵀ lists the entries of column j of A.
  const tp = new Int32Array(n + 1);
  for (let k = 0; k < nnz; k++) tp[(ci[k] as number) + 1] = (tp[(ci[k] as number) + 1] as number) + 1;
  for (let j = 0; j < n; j++) tp[j + 1] = (tp[j + 1] as number) + (tp[j] as number);
  const next = Int32Array.from(tp.subarray(0, n));
  const tc = new Int32Array(nnz);
  const tv = new Float64Array(nnz);
  let maxAbs = 0;
  for (let i = 0; i < n; i++) {
    for (let k = rp[i] as number; k < (rp[i + 1] as number); k++) {
      const j = ci[k] as number;
      const at = next[j] as number;
      next[j] = at + 1;
      tc[at] = i;
      tv[at] = v[k] as number;
      maxAbs = Math.max(maxAbs, Math.abs(v[k] as number));
    }
  }
  if (maxAbs === 0) return 0;
  const row = new Float64Array(n);
  let maxDiff = 0;
  for (let i = 0; i < n; i++) {
    const a0 = rp[i] as number;
    const a1 = rp[i + 1] as number;
    const t0 = tp[i] as number;
    const t1 = tp[i + 1] as number;
    for (let k = a0; k < a1; k++) row[ci[k] as number] = (row[ci[k] as number] as number) + (v[k] as number);
    for (let k = t0; k < t1; k++) row[tc[k] as number] = (row[tc[k] as number] as number) - (tv[k] as number);
    for (let k = a0; k < a1; k++) {
      maxDiff = Math.max(maxDiff, Math.abs(row[ci[k] as number] as number));
      row[ci[k] as number] = 0;
    }
    for (let k = t0; k < t1; k++) {
      maxDiff = Math.max(maxDiff, Math.abs(row[tc[k] as number] as number));
      row[tc[k] as number] = 0;
    }
  }
  return maxDiff / maxAbs;
}

/** A byte count in GiB for a message (`2 GiB`, `0.0625 GiB`, `37.3 GiB`). */
export function gigabytes(bytes: number): string {
  return `${Number((bytes / 2 ** 30).toPrecision(3))} GiB`;
}

/** A file's text costs about 3 bytes a byte: the string (1–2 bytes a character) and its lines. */
const TEXT_BYTES_PER_BYTE = 3;

/**
 * Reads and parses `path`, any shape (for the rectangular methods: lsqr, lsmr, svds), within
 * `budget` bytes: the file, the reader's peak and the command's `bytesPerRow`·max(m, n) (see
 * `loadMatrix`).
 */
export function readMatrixFile(
  command: string,
  path: string | undefined,
  budget = 2 ** 31,
  bytesPerRow: number | ((rows: number, cols: number) => number) = 0,
): Omit<MatrixFile, "asymmetry"> {
  const file = parseMatrixFile(command, path, budget);
  const [m, n] = file.matrix.shape;
  const perRow = typeof bytesPerRow === "function" ? bytesPerRow(m, n) : bytesPerRow;
  const bytes = matrixMarketBytes(m, n, file.matrix.nnz) + perRow * Math.max(m, n);
  if (bytes > budget) {
    throw new UsageError(
      `krylov ${command}: ${file.path}: a ${m}×${n} matrix needs about ${gigabytes(bytes)} for ${command}, above --max-memory ${gigabytes(budget)}`,
    );
  }
  return file;
}

function parseMatrixFile(command: string, path: string | undefined, budget: number): Omit<MatrixFile, "asymmetry"> {
  if (path === undefined) throw new UsageError(`krylov ${command}: missing FILE.mtx (see krylov ${command} --help)`);
  let text: string;
  try {
    const size = statSync(path).size;
    if (TEXT_BYTES_PER_BYTE * size > budget) {
      throw new UsageError(`krylov ${command}: ${path} is ${gigabytes(size)}; reading it needs about ${gigabytes(TEXT_BYTES_PER_BYTE * size)}, above --max-memory ${gigabytes(budget)}`);
    }
    text = readFileSync(path, "utf8");
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`krylov ${command}: cannot read '${path}' (${errorCode(e)})`);
  }
  try {
    const { matrix, info } = parseMatrixMarket(text, { maxBytes: budget });
    return { path, matrix, info };
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    throw new UsageError(
      `krylov ${command}: ${path}: ${msg.replace(/^readMatrixMarket: /, "").replace(/^csr: /, "").replace(/ \(maxBytes\)$/, " (--max-memory)")}`,
    );
  }
}
