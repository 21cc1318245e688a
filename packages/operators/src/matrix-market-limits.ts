/**
 * The limits of the Matrix Market reader, checked on the size line before anything is
 * allocated: what CSR storage can index (Int32 arrays: at most 2³¹ − 1 rows, columns and stored
 * entries), what the declared size and the rest of the file can hold, and the reader's
 * estimated peak allocation against a memory budget. Also the reader's error helpers, which
 * name the line and quote the file's tokens with control characters escaped.
 *
 * @module
 */
import type { MatrixMarketInfo } from "./matrix-market.js";

type Header = Pick<MatrixMarketInfo, "format" | "field" | "symmetry">;

/** The default memory budget of the reader: 2³¹ bytes (2 GiB). */
export const MATRIX_MARKET_MAX_BYTES = 2 ** 31;

/** The largest row, column or entry count CSR storage indexes (its index arrays are Int32). */
export const MAX_INDEX = 2 ** 31 - 1;

/**
 * The reader's estimated peak allocation for an m×n matrix storing `stored` entries (after
 * mirroring): the bound `maxBytes` is checked against.
 */
export function matrixMarketBytes(m: number, n: number, stored: number): number {
  return 12 * (m + n + 2) + 16 * Math.max(m, n) + 48 * stored;
}

/** A malformed line: `SyntaxError` naming it. */
export function fail(line: number, what: string): never {
  throw new SyntaxError(`readMatrixMarket: line ${line}: ${what}`);
}

/** A well-formed line declaring what cannot be held (a size, an index): `RangeError` naming it. */
export function refuse(line: number, what: string): never {
  throw new RangeError(`readMatrixMarket: line ${line}: ${what}`);
}

/**
 * A token of the file as it may appear in a message: at most 40 characters, in double quotes,
 * with control characters escaped JSON-style (`\u001b`), so that a file cannot drive the terminal.
 */
export function quote(s: string): string {
  const cut = s.length > 40 ? `${s.slice(0, 40)}…` : s;
  return `"${cut.replace(/[\u0000-\u001f\u007f-\u009f"\\]/g, (c) => (c === '"' || c === "\\" ? `\\${c}` : `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`))}"`;
}

/** The values an array file lists: all m·n, or the lower (strictly lower) triangle of a symmetric (skew) one. */
export function arrayCount(m: number, n: number, symmetry: Header["symmetry"]): number {
  return symmetry === "general" ? m * n : symmetry === "symmetric" ? (n * (n + 1)) / 2 : (n * (n - 1)) / 2;
}

/** A count of the size line: digits only, at most 2³¹ − 1. */
export function parseSize(s: string, line: number, what: string): number {
  if (!/^\d+$/.test(s)) fail(line, `${what} must be a non-negative integer but is ${quote(s)}`);
  const v = Number(s);
  if (v > MAX_INDEX) refuse(line, `${what} = ${s.length > 40 ? quote(s) : s} cannot be indexed (CSR storage holds at most 2³¹ − 1 = ${MAX_INDEX} ${what})`);
  return v;
}

/**
 * Refuses, before any allocation, a declared size that CSR storage cannot index, that does not
 * fit the matrix or the lines left in the file, or whose estimated allocation exceeds the budget.
 */
export function checkSizes(
  line: number,
  m: number,
  n: number,
  count: number,
  h: Header,
  linesLeft: number,
  chars: number,
  maxBytes: number,
): void {
  if (h.format === "coordinate") {
    const most = h.symmetry === "general" ? m * n : arrayCount(m, n, h.symmetry);
    if (count > most) {
      refuse(line, `${count} entries do not fit a ${m}×${n} ${h.symmetry} matrix (at most ${most} distinct positions)`);
    }
    // Each entry takes a line of its own: a file cannot hold more than it has lines.
    if (count > linesLeft) {
      fail(line, `the size line declares ${count} entries but only ${linesLeft} lines follow`);
    }
  } else if (count > Math.ceil(chars / 2)) {
    // Each value takes a digit and a separator: a file of c characters holds at most ⌈c/2⌉.
    fail(line, `a ${m}×${n} ${h.symmetry} array holds ${count} values but the whole file has only ${chars} characters`);
  }
  // Stored entries: a symmetric file's off-diagonal entries are stored twice; an array file
  // stores its nonzero values, at most count of them.
  const stored = h.symmetry === "general" ? count : 2 * count;
  if (stored > MAX_INDEX) {
    refuse(line, `${count} ${h.format === "array" ? "values" : "entries"} of a ${m}×${n} ${h.symmetry} matrix cannot be indexed (CSR storage holds at most 2³¹ − 1 = ${MAX_INDEX} entries)`);
  }
  const bytes = matrixMarketBytes(m, n, stored);
  if (bytes > maxBytes) {
    refuse(line, `a ${m}×${n} matrix with ${count} ${h.format === "array" ? "values" : "entries"} needs about ${formatBytes(bytes)}, above the memory budget of ${formatBytes(maxBytes)} (maxBytes)`);
  }
}

/** A byte count for a message: `1.5 GB`, `12 MB`, `800 kB`, `12 bytes`. */
function formatBytes(b: number): string {
  for (const [unit, size] of [["TB", 1e12], ["GB", 1e9], ["MB", 1e6], ["kB", 1e3]] as const) {
    if (b >= size) return `${(b / size).toPrecision(3).replace(/\.?0+$/, "")} ${unit}`;
  }
  return `${b} bytes`;
}
