/** Writes a generated problem as a Matrix Market coordinate file (for the CLI tests). */
import type { CsrOperator } from "@krylov-ts/operators";

/** The text of a `%%MatrixMarket matrix coordinate real general` file holding A. */
export function toMatrixMarket(A: CsrOperator): string {
  const [m, n] = A.shape;
  const lines = ["%%MatrixMarket matrix coordinate real general", `${m} ${n} ${A.rowPointers[m] as number}`];
  for (let i = 0; i < m; i++) {
    for (let k = A.rowPointers[i] as number; k < (A.rowPointers[i + 1] as number); k++) {
      lines.push(`${i + 1} ${(A.colIndices[k] as number) + 1} ${A.values[k] as number}`);
    }
  }
  return lines.join("\n") + "\n";
}
