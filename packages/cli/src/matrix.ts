/**
 * Reading a Matrix Market file for `krylov eigs` and `krylov solve`, with every failure turned
 * into a one-line `UsageError` that names the file (and the line, for a malformed one).
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { parseMatrixMarket, type CsrOperator, type MatrixMarketInfo } from "@krylov-ts/operators";
import { UsageError } from "./args.js";
import { errorCode } from "./data.js";

/** A matrix read from a file, with what its header declared. */
export interface MatrixFile {
  readonly path: string;
  readonly matrix: CsrOperator;
  readonly info: MatrixMarketInfo;
}

/** Reads and parses `path`, and refuses a matrix that is not square and symmetric; `command` names the subcommand in error messages. */
export function loadMatrix(command: string, path: string | undefined): MatrixFile {
  const file = readMatrixFile(command, path);
  const [m, n] = file.matrix.shape;
  if (m !== n) throw new UsageError(`krylov ${command}: ${file.path} is ${m}×${n}, but ${command} needs a square matrix`);
  if (!file.matrix.symmetric) {
    throw new UsageError(`krylov ${command}: ${file.path} is not symmetric (A(i, j) ≠ A(j, i)), but ${command === "eigs" ? "Lanczos needs" : "CG and MINRES need"} A = Aᵀ`);
  }
  return file;
}

function readMatrixFile(command: string, path: string | undefined): MatrixFile {
  if (path === undefined) throw new UsageError(`krylov ${command}: missing FILE.mtx (see krylov ${command} --help)`);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new UsageError(`krylov ${command}: cannot read '${path}' (${errorCode(e)})`);
  }
  try {
    const { matrix, info } = parseMatrixMarket(text);
    return { path, matrix, info };
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    throw new UsageError(`krylov ${command}: ${path}: ${msg.replace(/^readMatrixMarket: /, "").replace(/^csr: /, "")}`);
  }
}
