import test from "ava";
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseMatrixMarket, readMatrixMarket, toDense, vec } from "@krylov-ts/operators";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const matrices = path.resolve(repoRoot, "..", "shared", "data", "matrices");

/** The table of matrices/README.md: name → n, nnz, symmetric. */
function readmeTable(): Map<string, { n: number; nnz: number; symmetric: boolean }> {
  const table = new Map<string, { n: number; nnz: number; symmetric: boolean }>();
  for (const line of readFileSync(path.join(matrices, "README.md"), "utf8").split("\n")) {
    const cells = line.split("|").map((c) => c.trim());
    const [, name, n, nnz, sym] = cells;
    if (name === undefined || n === undefined || nnz === undefined || sym === undefined || !/^\d+$/.test(n)) continue;
    table.set(name, { n: Number(n), nnz: Number(nnz), symmetric: sym === "yes" });
  }
  return table;
}

test("every shared Matrix Market file parses with the n, nnz and symmetry of its README row", (t) => {
  const table = readmeTable();
  const files = readdirSync(matrices).filter((f) => f.endsWith(".mtx"));
  t.true(files.length >= 6);
  for (const f of files) {
    const want = table.get(f.replace(/\.mtx$/, ""));
    t.truthy(want, `${f} has a README row`);
    if (want === undefined) continue;
    const { matrix, info } = parseMatrixMarket(readFileSync(path.join(matrices, f), "utf8"));
    t.deepEqual(matrix.shape, [want.n, want.n], f);
    t.is(matrix.nnz, want.nnz, f);
    t.is(info.entries, want.nnz, f);
    t.is(matrix.symmetric, want.symmetric, f);
  }
});

test("the tab-separated LFAT5 file reads the same values as its space-separated rewrite", (t) => {
  const text = readFileSync(path.join(matrices, "LFAT5.mtx"), "utf8");
  t.true(text.includes("\t"));
  const A = readMatrixMarket(text);
  const B = readMatrixMarket(text.replace(/\t/g, "  "));
  t.deepEqual(toDense(A).data, toDense(B).data);
  t.is(A.get(0, 0), 1.57088);
});

test("a coordinate real general file becomes the listed matrix with duplicates summed", (t) => {
  const A = readMatrixMarket(
    "%%MatrixMarket matrix coordinate real general\n% comment\n\n2 3 4\n1 1 1.5\n2 3 -2\n1 1 0.5\n2 1 4e0\n",
  );
  t.deepEqual(Array.from(toDense(A).data), [2, 0, 0, 4, 0, -2]);
  t.is(A.nnz, 3);
  t.false(A.symmetric);
});

test("a symmetric coordinate file mirrors its lower triangle and is marked symmetric", (t) => {
  const { matrix, info } = parseMatrixMarket(
    "%%MatrixMarket matrix coordinate real symmetric\n3 3 4\n1 1 2\n2 1 -1\n3 2 -1\n3 3 2\n",
  );
  t.deepEqual(Array.from(toDense(matrix).data), [2, -1, 0, -1, 0, -1, 0, -1, 2]);
  t.true(matrix.symmetric);
  t.is(info.entries, 4);
  t.is(info.nnz, 6);
});

test("a skew-symmetric file mirrors with the sign flipped", (t) => {
  const A = readMatrixMarket("%%MatrixMarket matrix coordinate integer skew-symmetric\n3 3 2\n2 1 3\n3 1 -5\n");
  t.deepEqual(Array.from(toDense(A).data), [0, -3, 5, 3, 0, 0, -5, 0, 0]);
  t.false(A.symmetric);
});

test("a pattern file stores ones", (t) => {
  const A = readMatrixMarket("%%MatrixMarket matrix coordinate pattern general\n2 2 2\n1 2\n2 1\n");
  t.deepEqual(Array.from(toDense(A).data), [0, 1, 1, 0]);
  t.true(A.symmetric);
});

test("array files are read column by column, general and symmetric", (t) => {
  const G = readMatrixMarket("%%MatrixMarket matrix array real general\n2 3\n1\n4\n2 5\n3\t6\n");
  t.deepEqual(Array.from(toDense(G).data), [1, 2, 3, 4, 5, 6]);
  const S = readMatrixMarket("%%MatrixMarket matrix array real symmetric\n% lower triangle\n3 3\n1 2 3\n4 5\n6\n");
  t.deepEqual(Array.from(toDense(S).data), [1, 2, 3, 2, 4, 5, 3, 5, 6]);
  t.true(S.symmetric);
  const K = readMatrixMarket("%%MatrixMarket matrix array real skew-symmetric\n3 3\n1 2 3\n");
  t.deepEqual(Array.from(toDense(K).data), [0, -1, -2, 1, 0, -3, 2, 3, 0]);
});

test("the header keywords are case-insensitive and CRLF line ends are accepted", (t) => {
  const A = readMatrixMarket("%%MatrixMarket MATRIX Coordinate Real General\r\n1 1 1\r\n1 1 7\r\n");
  t.is(A.get(0, 0), 7);
});

const H = "%%MatrixMarket matrix coordinate real general\n";
const bad: Array<[string, string, string]> = [
  ["a missing header", "2 2 1\n1 1 1\n", "readMatrixMarket: line 1: expected the header"],
  ["a complex field", "%%MatrixMarket matrix coordinate complex general\n1 1 1\n1 1 1 0\n", 'line 1: the field "complex" is not supported'],
  ["a hermitian symmetry", "%%MatrixMarket matrix coordinate real hermitian\n1 1 1\n1 1 1\n", 'line 1: the symmetry "hermitian" is not supported'],
  ["a short header", "%%MatrixMarket matrix coordinate real\n1 1 1\n1 1 1\n", "line 1: the header must have 5 fields but has 4"],
  ["a size line with two fields", H + "% c\n2 2\n1 1 1\n", "line 3: the size line must hold 3 integers (rows cols entries) but holds 2 fields"],
  ["a negative size", H + "-2 2 1\n1 1 1\n", 'line 2: rows must be a non-negative integer but is "-2"'],
  ["a NaN size", H + "2 NaN 1\n1 1 1\n", 'line 2: cols must be a non-negative integer but is "NaN"'],
  ["a row index beyond the size", H + "2 2 1\n3 1 1\n", "line 3: row index 3 is out of range 1…2"],
  ["a zero column index", H + "2 2 2\n1 1 1\n\n2 0 1\n", "line 5: column index 0 is out of range 1…2"],
  ["a missing value", H + "2 2 2\n1 1 1\n2 2\n", "line 4: expected 3 fields (row col value) but found 2"],
  ["a value that is not a number", H + "2 2 1\n1 1 abc\n", 'line 3: the value "abc" is not a real number'],
  ["a NaN value", H + "2 2 2\n1 1 1\n2 2 NaN\n", 'line 4: the value "NaN" is not a real number'],
  ["a lower-case nan value", H + "2 2 1\n1 1 nan\n", 'line 3: the value "nan" is not a real number'],
  ["an Infinity value", H + "2 2 1\n1 1 -Infinity\n", 'line 3: the value "-Infinity" is not a real number'],
  ["an Inf value", H + "2 2 1\n1 1 Inf\n", 'line 3: the value "Inf" is not a real number'],
  ["a value overflowing float64", H + "2 2 1\n1 1 1e400\n", 'line 3: the value "1e400" overflows float64'],
  ["a hexadecimal value", H + "2 2 1\n1 1 0x10\n", 'line 3: the value "0x10" is not a real number'],
  ["a binary value", H + "2 2 1\n1 1 0b11\n", 'line 3: the value "0b11" is not a real number'],
  ["a value with a bare exponent", H + "2 2 1\n1 1 1e\n", 'line 3: the value "1e" is not a real number'],
  ["a value with digit separators", H + "2 2 1\n1 1 1_000\n", 'line 3: the value "1_000" is not a real number'],
  ["a hexadecimal integer", "%%MatrixMarket matrix coordinate integer general\n2 2 1\n1 1 0x10\n", 'line 3: the value "0x10" is not an integer'],
  ["an exponent in an integer field", "%%MatrixMarket matrix coordinate integer general\n2 2 1\n1 1 1e3\n", 'line 3: the value "1e3" is not an integer'],
  ["a NaN in an array file", "%%MatrixMarket matrix array real general\n1 2\n1\nNaN\n", 'line 4: the value "NaN" is not a real number'],
  ["a hexadecimal index", H + "20 20 1\n0x1 1 1\n", 'line 3: the row index "0x1" is not an integer'],
  ["a fractional index", H + "2 2 1\n1 1.0 1\n", 'line 3: the column index "1.0" is not an integer'],
  ["a control character in a value", H + "2 2 1\n1 1 \u001b[31m1\n", 'line 3: the value "\\u001b[31m1" is not a real number'],
  ["a fractional integer", "%%MatrixMarket matrix coordinate integer general\n2 2 1\n1 1 1.5\n", 'line 3: the value "1.5" is not an integer'],
  ["too few entries", H + "2 2 3\n1 1 1\n2 2 1\n", "the size line declares 3 entries but the file ends after 2"],
  ["too many entries", H + "2 2 1\n1 1 1\n2 2 1\n", "line 4: more entries than the 1 declared"],
  ["an upper-triangle entry of a symmetric file", "%%MatrixMarket matrix coordinate real symmetric\n2 2 1\n1 2 1\n", "line 3: entry (1, 2) lies above the diagonal"],
  ["a diagonal entry of a skew-symmetric file", "%%MatrixMarket matrix coordinate real skew-symmetric\n2 2 1\n1 1 1\n", "line 3: entry (1, 1) lies on the diagonal"],
  ["a non-square symmetric file", "%%MatrixMarket matrix coordinate real symmetric\n2 3 0\n", "line 2: a symmetric matrix must be square but the size line says 2×3"],
  ["a short array", "%%MatrixMarket matrix array real general\n2 2\n1 2 3\n", "a 2×2 general array holds 4 values but the file ends after 3"],
  ["a pattern array", "%%MatrixMarket matrix array pattern general\n2 2\n", 'line 1: the field "pattern" is not allowed with the array format'],
];
for (const [what, text, message] of bad) {
  test(`a Matrix Market file with ${what} is refused with an error naming the line`, (t) => {
    const e = t.throws(() => readMatrixMarket(text));
    t.true(e instanceof SyntaxError || e instanceof RangeError);
    t.true(e?.message.startsWith("readMatrixMarket: "), e?.message);
    t.true(e?.message.includes(message), e?.message);
  });
}

test("a matrix read from a file applies like its dense matrix", (t) => {
  const A = readMatrixMarket(readFileSync(path.join(matrices, "LF10.mtx"), "utf8"));
  const D = toDense(A);
  const x = vec(18).data.map((_, i) => Math.sin(i + 1));
  const y = A.apply(vec(x));
  for (let i = 0; i < 18; i++) {
    let s = 0;
    for (let j = 0; j < 18; j++) s += D.get(i, j) * (x[j] as number);
    t.true(Math.abs(s - y.get(i)) <= 1e-12 * Math.abs(s) + 1e-12);
  }
});
