/**
 * The Matrix Market exchange format, read into a CSR operator.
 *
 * Reference: R. F. Boisvert, R. Pozo, K. A. Remington, *The Matrix Market Exchange Formats:
 * Initial Design*, NIST IR 5935, 1996. Supported: `matrix coordinate` and `matrix array`,
 * fields `real`, `integer` and `pattern` (coordinate only; every entry is 1), symmetries
 * `general`, `symmetric` and `skew-symmetric` (the stored triangle is mirrored, with the
 * sign flipped for skew-symmetric). Fields may be separated by any whitespace (spaces or
 * tabs); blank lines are skipped. Duplicate coordinate entries are summed, as the format
 * says. `complex` and `hermitian` are refused with an error naming the line.
 *
 * @module
 */
import { csr, type CsrOperator } from "./csr.js";

/** What the header and size line of a Matrix Market file declared. */
export interface MatrixMarketInfo {
  rows: number;
  cols: number;
  /** Entries listed in the file (data lines; for `array`, the values of the stored part). */
  entries: number;
  /** Entries stored by the operator, after mirroring a symmetric triangle and summing duplicates. */
  nnz: number;
  format: "coordinate" | "array";
  field: "real" | "integer" | "pattern";
  symmetry: "general" | "symmetric" | "skew-symmetric";
}

/** A parsed Matrix Market file: the matrix as a CSR operator and what the file declared. */
export interface MatrixMarket {
  matrix: CsrOperator;
  info: MatrixMarketInfo;
}

/**
 * Reads a Matrix Market file's text into a CSR operator.
 *
 * @example readMatrixMarket(readFileSync("494_bus.mtx", "utf8")).shape // [494, 494]
 * @throws SyntaxError naming the line number and what is wrong with it; RangeError for
 *   indices outside the declared size
 */
export function readMatrixMarket(text: string): CsrOperator {
  return parseMatrixMarket(text).matrix;
}

/** Like `readMatrixMarket`, also returning what the file declared (`info`). */
export function parseMatrixMarket(text: string): MatrixMarket {
  if (typeof text !== "string") throw new TypeError("readMatrixMarket: text must be a string");
  const lines = text.split(/\r\n|\n|\r/);
  const header = parseHeader(lines[0] ?? "");
  let ln = 1;
  // Comments and blank lines before the size line.
  while (ln < lines.length && isSkippable(lines[ln] as string)) ln++;
  if (ln >= lines.length) fail(lines.length, "the file ends before its size line");
  const sizeTokens = tokens(lines[ln] as string);
  const expected = header.format === "coordinate" ? 3 : 2;
  const sizeWhat = header.format === "coordinate" ? "rows cols entries" : "rows cols";
  if (sizeTokens.length !== expected) {
    fail(ln + 1, `the size line must hold ${expected} integers (${sizeWhat}) but holds ${sizeTokens.length} fields`);
  }
  const sizes = sizeTokens.map((s, k) => parseSize(s, ln + 1, sizeWhat.split(" ")[k] as string));
  const m = sizes[0] as number;
  const n = sizes[1] as number;
  if (header.symmetry !== "general" && m !== n) {
    fail(ln + 1, `a ${header.symmetry} matrix must be square but the size line says ${m}×${n}`);
  }
  ln++;
  const t =
    header.format === "coordinate"
      ? readCoordinate(lines, ln, m, n, sizes[2] as number, header)
      : readArray(lines, ln, m, n, header);
  const matrix = csr(t.rows, t.cols, t.values, [m, n], header.symmetry === "symmetric" ? { symmetric: true } : {});
  return {
    matrix,
    info: { rows: m, cols: n, entries: t.entries, nnz: matrix.nnz, ...header },
  };
}

type Header = Pick<MatrixMarketInfo, "format" | "field" | "symmetry">;

interface Triplets {
  rows: number[];
  cols: number[];
  values: number[];
  entries: number;
}

function fail(line: number, what: string): never {
  throw new SyntaxError(`readMatrixMarket: line ${line}: ${what}`);
}

function tokens(line: string): string[] {
  const s = line.trim();
  return s === "" ? [] : s.split(/\s+/);
}

function isSkippable(line: string): boolean {
  const s = line.trimStart();
  return s === "" || s.startsWith("%");
}

function parseHeader(line: string): Header {
  const f = tokens(line);
  if (f[0] !== "%%MatrixMarket") {
    fail(1, `expected the header "%%MatrixMarket matrix <format> <field> <symmetry>" but found "${line.slice(0, 60)}"`);
  }
  if (f.length !== 5) fail(1, `the header must have 5 fields but has ${f.length}`);
  const [object, format, field, symmetry] = f.slice(1).map((s) => s.toLowerCase()) as [string, string, string, string];
  if (object !== "matrix") fail(1, `the object "${object}" is not supported (only "matrix")`);
  if (format !== "coordinate" && format !== "array") {
    fail(1, `the format "${format}" is not supported (coordinate or array)`);
  }
  if (field !== "real" && field !== "integer" && field !== "pattern") {
    fail(1, `the field "${field}" is not supported (real, integer or pattern)`);
  }
  if (symmetry !== "general" && symmetry !== "symmetric" && symmetry !== "skew-symmetric") {
    fail(1, `the symmetry "${symmetry}" is not supported (general, symmetric or skew-symmetric)`);
  }
  if (format === "array" && field === "pattern") fail(1, `the field "pattern" is not allowed with the array format`);
  return { format, field, symmetry };
}

function parseSize(s: string, line: number, what: string): number {
  const v = Number(s);
  if (!/^\d+$/.test(s) || !Number.isSafeInteger(v)) {
    fail(line, `${what} must be a non-negative integer but is "${s}"`);
  }
  return v;
}

function parseValue(s: string, line: number, field: Header["field"]): number {
  const v = Number(s);
  if (s === "" || Number.isNaN(v) && !/^[+-]?nan$/i.test(s)) fail(line, `the value "${s}" is not a number`);
  if (field === "integer" && !Number.isInteger(v)) fail(line, `the value "${s}" is not an integer (field integer)`);
  return v;
}

function readCoordinate(lines: string[], first: number, m: number, n: number, count: number, h: Header): Triplets {
  const out: Triplets = { rows: [], cols: [], values: [], entries: 0 };
  const width = h.field === "pattern" ? 2 : 3;
  const what = h.field === "pattern" ? "row col" : "row col value";
  let ln = first;
  for (; ln < lines.length; ln++) {
    const line = lines[ln] as string;
    if (isSkippable(line)) continue;
    const f = tokens(line);
    if (out.entries === count) fail(ln + 1, `more entries than the ${count} declared on the size line`);
    if (f.length !== width) fail(ln + 1, `expected ${width} fields (${what}) but found ${f.length}`);
    const i = parseIndex(f[0] as string, ln + 1, "row", m);
    const j = parseIndex(f[1] as string, ln + 1, "column", n);
    const v = h.field === "pattern" ? 1 : parseValue(f[2] as string, ln + 1, h.field);
    push(out, i - 1, j - 1, v, h, ln + 1);
    out.entries++;
  }
  if (out.entries < count) {
    fail(lines.length, `the size line declares ${count} entries but the file ends after ${out.entries}`);
  }
  return out;
}

function parseIndex(s: string, line: number, what: string, size: number): number {
  const v = Number(s);
  if (!/^[+-]?\d+$/.test(s) || !Number.isSafeInteger(v)) fail(line, `the ${what} index "${s}" is not an integer`);
  if (v < 1 || v > size) {
    throw new RangeError(`readMatrixMarket: line ${line}: ${what} index ${v} is out of range 1…${size}`);
  }
  return v;
}

/** Adds entry (i, j) (0-based) and, for a symmetric storage, its mirror. */
function push(t: Triplets, i: number, j: number, v: number, h: Header, line: number): void {
  if (h.symmetry !== "general") {
    if (j > i) {
      fail(line, `entry (${i + 1}, ${j + 1}) lies above the diagonal of a ${h.symmetry} matrix (only the lower triangle is stored)`);
    }
    if (i === j && h.symmetry === "skew-symmetric") {
      fail(line, `entry (${i + 1}, ${j + 1}) lies on the diagonal of a skew-symmetric matrix (only the strict lower triangle is stored)`);
    }
  }
  t.rows.push(i);
  t.cols.push(j);
  t.values.push(v);
  if (h.symmetry !== "general" && i !== j) {
    t.rows.push(j);
    t.cols.push(i);
    t.values.push(h.symmetry === "skew-symmetric" ? -v : v);
  }
}

/** Column-major values; the lower (or strictly lower) triangle only when symmetric. Zeros are not stored. */
function readArray(lines: string[], first: number, m: number, n: number, h: Header): Triplets {
  const out: Triplets = { rows: [], cols: [], values: [], entries: 0 };
  const count =
    h.symmetry === "general" ? m * n : h.symmetry === "symmetric" ? (n * (n + 1)) / 2 : (n * (n - 1)) / 2;
  // Position of the next value: column j, row i.
  let j = 0;
  let i = h.symmetry === "skew-symmetric" ? 1 : 0;
  let ln = first;
  for (; ln < lines.length; ln++) {
    const line = lines[ln] as string;
    if (isSkippable(line)) continue;
    for (const s of tokens(line)) {
      if (out.entries === count) fail(ln + 1, `more values than the ${count} a ${m}×${n} ${h.symmetry} array holds`);
      const v = parseValue(s, ln + 1, h.field);
      if (v !== 0) push(out, i, j, v, h, ln + 1);
      out.entries++;
      i++;
      if (i >= m) {
        j++;
        i = h.symmetry === "general" ? 0 : h.symmetry === "symmetric" ? j : j + 1;
      }
    }
  }
  if (out.entries < count) {
    fail(lines.length, `a ${m}×${n} ${h.symmetry} array holds ${count} values but the file ends after ${out.entries}`);
  }
  return out;
}
