/**
 * The Matrix Market exchange format, read into a CSR operator.
 *
 * Reference: R. F. Boisvert, R. Pozo, K. A. Remington, *The Matrix Market Exchange Formats:
 * Initial Design*, NIST IR 5935, 1996. Supported: `matrix coordinate` and `matrix array`,
 * fields `real`, `integer` and `pattern` (coordinate only; every entry is 1), symmetries
 * `general`, `symmetric` and `skew-symmetric` (the stored triangle is mirrored, with the
 * sign flipped for skew-symmetric). Fields may be separated by any whitespace (spaces or
 * tabs); blank lines are skipped. Duplicate coordinate entries are summed, as the format
 * says (but a file may not declare more entries than the matrix has positions). `complex` and `hermitian` are refused with an error naming the line.
 *
 * Numbers are read by the format's grammar, not by `Number()`: a value is a decimal real,
 * `[+-]digits[.digits][(e|E)[+-]digits]` (or `.digits…`), finite in float64; an `integer` field
 * and the indices take `[+-]digits` only. `NaN`, `Inf`, `Infinity`, `0x10`, `0b11`, `1e400`
 * (overflow) and empty fields are refused with the line number.
 *
 * Sizes are checked before anything is allocated: rows, columns and entries must be indexable
 * by the Int32 arrays of CSR storage (≤ 2³¹ − 1, the mirrored entries of a symmetric file
 * included), the entries must fit the declared size (≤ m·n, or the stored triangle) and the
 * lines left in the file, and the reader's estimated peak allocation (see `maxBytes`) must
 * stay within the budget, so that a few bytes declaring 3·10⁹ rows are refused at once.
 *
 * @module
 */
import { csr, type CsrOperator } from "./csr.js";
import { checkOptions } from "./options.js";
import { MATRIX_MARKET_MAX_BYTES, arrayCount, checkSizes, fail, parseSize, quote, refuse } from "./matrix-market-limits.js";

export { MATRIX_MARKET_MAX_BYTES, matrixMarketBytes } from "./matrix-market-limits.js";

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

/** Options of `readMatrixMarket` and `parseMatrixMarket`. */
export interface MatrixMarketOptions {
  /**
   * Memory budget in bytes (default 2³¹, 2 GiB): a file whose declared size would make the
   * reader allocate more is refused before any allocation. The estimate is the reader's peak:
   * 12·(m + n + 2) bytes of row and column pointers and 16·max(m, n) of product vectors, plus
   * 48 bytes per stored entry (the triplets, the sort into CSR, the CSR arrays and their
   * WebAssembly copy); see `matrixMarketBytes`.
   */
  maxBytes?: number;
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
 * @throws SyntaxError naming the line number and what is wrong with it; RangeError naming the
 *   line for indices outside the declared size and for declared sizes that cannot be indexed
 *   or exceed `options.maxBytes`
 */
export function readMatrixMarket(text: string, options: MatrixMarketOptions = {}): CsrOperator {
  return parseMatrixMarket(text, options).matrix;
}

/** Like `readMatrixMarket`, also returning what the file declared (`info`). */
export function parseMatrixMarket(text: string, options: MatrixMarketOptions = {}): MatrixMarket {
  if (typeof text !== "string") throw new TypeError("readMatrixMarket: text must be a string");
  const maxBytes = checkOptions("readMatrixMarket", options, ["maxBytes"]).maxBytes ?? MATRIX_MARKET_MAX_BYTES;
  if (typeof maxBytes !== "number" || !(maxBytes > 0)) {
    throw new RangeError(`readMatrixMarket: options.maxBytes must be a positive number of bytes, got ${String(maxBytes)}`);
  }
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
  const count = header.format === "coordinate" ? (sizes[2] as number) : arrayCount(m, n, header.symmetry);
  checkSizes(ln + 1, m, n, count, header, lines.length - ln - 1, text.length, maxBytes);
  ln++;
  const t =
    header.format === "coordinate"
      ? readCoordinate(lines, ln, m, n, count, header)
      : readArray(lines, ln, m, n, count, header);
  const filled = t.length;
  const matrix = csr(t.rows.subarray(0, filled), t.cols.subarray(0, filled), t.values.subarray(0, filled), [m, n], header.symmetry === "symmetric" ? { symmetric: true } : {});
  return {
    matrix,
    info: { rows: m, cols: n, entries: t.entries, nnz: matrix.nnz, ...header },
  };
}

type Header = Pick<MatrixMarketInfo, "format" | "field" | "symmetry">;

/** Entries in typed arrays sized once from the declared count (bounded by `checkSizes`). */
interface Triplets {
  rows: Int32Array;
  cols: Int32Array;
  values: Float64Array;
  /** Triplets filled so far (mirrors included). */
  length: number;
  /** Entries read from the file so far. */
  entries: number;
}

function triplets(capacity: number): Triplets {
  return { rows: new Int32Array(capacity), cols: new Int32Array(capacity), values: new Float64Array(capacity), length: 0, entries: 0 };
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
    fail(1, `expected the header "%%MatrixMarket matrix <format> <field> <symmetry>" but found ${quote(line)}`);
  }
  if (f.length !== 5) fail(1, `the header must have 5 fields but has ${f.length}`);
  const [object, format, field, symmetry] = f.slice(1).map((s) => s.toLowerCase()) as [string, string, string, string];
  if (object !== "matrix") fail(1, `the object ${quote(object)} is not supported (only "matrix")`);
  if (format !== "coordinate" && format !== "array") {
    fail(1, `the format ${quote(format)} is not supported (coordinate or array)`);
  }
  if (field !== "real" && field !== "integer" && field !== "pattern") {
    fail(1, `the field ${quote(field)} is not supported (real, integer or pattern)`);
  }
  if (symmetry !== "general" && symmetry !== "symmetric" && symmetry !== "skew-symmetric") {
    fail(1, `the symmetry ${quote(symmetry)} is not supported (general, symmetric or skew-symmetric)`);
  }
  if (format === "array" && field === "pattern") fail(1, `the field "pattern" is not allowed with the array format`);
  return { format, field, symmetry };
}

/** A real of the format: decimal digits with an optional fraction and exponent, nothing else. */
const REAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const INTEGER = /^[+-]?\d+$/;

function parseValue(s: string, line: number, field: Header["field"]): number {
  if (field === "integer") {
    if (!INTEGER.test(s)) fail(line, `the value ${quote(s)} is not an integer (field integer)`);
  } else if (!REAL.test(s)) {
    fail(line, `the value ${quote(s)} is not a real number (decimal digits with an optional fraction and exponent)`);
  }
  const v = Number(s);
  if (!Number.isFinite(v)) fail(line, `the value ${quote(s)} overflows float64 (|value| ≥ 1.8e308)`);
  return v;
}

function readCoordinate(lines: string[], first: number, m: number, n: number, count: number, h: Header): Triplets {
  const out = triplets(h.symmetry === "general" ? count : 2 * count);
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
  if (!INTEGER.test(s)) fail(line, `the ${what} index ${quote(s)} is not an integer`);
  const v = Number(s);
  if (!(v >= 1 && v <= size)) refuse(line, `${what} index ${s.length > 40 ? quote(s) : v} is out of range 1…${size}`);
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
  t.rows[t.length] = i;
  t.cols[t.length] = j;
  t.values[t.length] = v;
  t.length++;
  if (h.symmetry !== "general" && i !== j) {
    t.rows[t.length] = j;
    t.cols[t.length] = i;
    t.values[t.length] = h.symmetry === "skew-symmetric" ? -v : v;
    t.length++;
  }
}

/** Column-major values; the lower (or strictly lower) triangle only when symmetric. Zeros are not stored. */
function readArray(lines: string[], first: number, m: number, n: number, count: number, h: Header): Triplets {
  const out = triplets(h.symmetry === "general" ? count : 2 * count);
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
