import test from "ava";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { MATRIX_MARKET_MAX_BYTES, matrixMarketBytes, parseMatrixMarket, readMatrixMarket, toDense } from "@krylov-ts/operators";

const H = "%%MatrixMarket matrix coordinate real general\n";

const refused: Array<[string, string, RegExp]> = [
  ["3,000,000,000 rows (not indexable by Int32)", H + "3000000000 3000000000 1\n1 1 1\n", /^readMatrixMarket: line 2: rows = 3000000000 cannot be indexed \(CSR storage holds at most 2³¹ − 1 = 2147483647 rows\)$/],
  ["2³¹ columns", H + "1 2147483648 1\n1 1 1\n", /^readMatrixMarket: line 2: cols = 2147483648 cannot be indexed/],
  ["a size of a hundred digits", H + "1" + "0".repeat(99) + " 2 1\n1 1 1\n", /^readMatrixMarket: line 2: rows = "10{39}…" cannot be indexed/],
  ["more entries than positions of the matrix", H + "2 2 5\n1 1 1\n1 2 1\n2 1 1\n2 2 1\n1 1 1\n", /^readMatrixMarket: line 2: 5 entries do not fit a 2×2 general matrix \(at most 4 distinct positions\)$/],
  ["more entries than the stored triangle of a symmetric matrix", "%%MatrixMarket matrix coordinate real symmetric\n2 2 4\n1 1 1\n2 1 1\n2 2 1\n1 1 1\n", /4 entries do not fit a 2×2 symmetric matrix \(at most 3 distinct positions\)/],
  ["more entries than lines left in the file", H + "100000 100000 2000000000\n1 1 1\n", /^readMatrixMarket: line 2: the size line declares 2000000000 entries but only 2 lines follow$/],
  ["an array with more values than the file has characters", "%%MatrixMarket matrix array real general\n40000 40000\n1\n", /^readMatrixMarket: line 2: a 40000×40000 general array holds 1600000000 values but the whole file has only \d+ characters$/],
  ["1e8 rows beyond a 64 MB budget", H + "100000000 100000000 1\n1 1 1\n", /^readMatrixMarket: line 2: a 100000000×100000000 matrix with 1 entries needs about 4 GB, above the memory budget of 67\.1 MB \(maxBytes\)$/],
];
for (const [what, text, message] of refused) {
  test(`a Matrix Market file declaring ${what} is refused on its size line`, (t) => {
    const e = t.throws(() => readMatrixMarket(text, { maxBytes: 2 ** 26 }));
    t.true(e instanceof RangeError || e instanceof SyntaxError, String(e));
    t.regex(e?.message ?? "", message);
  });
}

test("the default budget of 2 GiB refuses 1e8 rows and accepts a matrix within it", (t) => {
  t.is(MATRIX_MARKET_MAX_BYTES, 2 ** 31);
  const e = t.throws(() => readMatrixMarket(H + "100000000 100000000 1\n1 1 1\n"), { instanceOf: RangeError });
  t.regex(e?.message ?? "", /needs about 4 GB, above the memory budget of 2\.15 GB/);
  const A = readMatrixMarket(H + "1000 1000 1\n1000 1 5\n");
  t.is(A.get(999, 0), 5);
});

test("the budget is checked against the documented estimate, to the byte", (t) => {
  const text = "%%MatrixMarket matrix coordinate real symmetric\n300 300 2\n2 1 1\n3 3 1\n";
  const bytes = matrixMarketBytes(300, 300, 4);
  t.is(bytes, 12 * 602 + 16 * 300 + 48 * 4);
  t.throws(() => readMatrixMarket(text, { maxBytes: bytes - 1 }), { instanceOf: RangeError, message: /above the memory budget/ });
  const { matrix } = parseMatrixMarket(text, { maxBytes: bytes });
  t.is(matrix.nnz, 3);
  t.deepEqual(Array.from(toDense(matrix).data.subarray(0, 3)), [0, 1, 0]);
});

test("an unknown option key of readMatrixMarket is refused with the closest valid one", (t) => {
  t.throws(() => readMatrixMarket(H + "1 1 1\n1 1 1\n", { maxbytes: 10 } as never), {
    instanceOf: TypeError,
    message: "readMatrixMarket: unknown option 'maxbytes' (did you mean 'maxBytes'?)",
  });
});

test("a maxBytes that is not a positive number is refused", (t) => {
  for (const maxBytes of [0, -1, Number.NaN]) {
    t.throws(() => readMatrixMarket(H + "1 1 1\n1 1 1\n", { maxBytes }), { instanceOf: RangeError, message: /^readMatrixMarket: options\.maxBytes must be a positive number of bytes/ });
  }
});

/** The growth of rss and of ArrayBuffer memory while a child process reads `text`, and the error it got. */
function measure(text: string, maxBytes?: number): Promise<{ rss: number; arrayBuffers: number; error: string }> {
  const script = `
    import { readMatrixMarket } from "@krylov-ts/operators";
    const text = ${JSON.stringify(text)};
    readMatrixMarket("%%MatrixMarket matrix coordinate real general\\n2 2 1\\n1 1 1\\n"); // warm up the code paths
    globalThis.gc?.();
    const before = process.memoryUsage();
    let error = "";
    try { readMatrixMarket(text${maxBytes === undefined ? "" : `, { maxBytes: ${maxBytes} }`}); } catch (e) { error = String(e); }
    const after = process.memoryUsage();
    process.stdout.write(JSON.stringify({ rss: after.rss - before.rss, arrayBuffers: after.arrayBuffers - before.arrayBuffers, error }));
  `;
  return new Promise((done, fail) => {
    execFile(
      process.execPath,
      ["--conditions=source", "--import=tsx", "--expose-gc", "--input-type=module", "-e", script],
      { cwd: fileURLToPath(new URL("../..", import.meta.url)) },
      (err, stdout, stderr) => (err === null ? done(JSON.parse(stdout) as { rss: number; arrayBuffers: number; error: string }) : fail(new Error(`${String(err)}\n${stderr}`))),
    );
  });
}

test("the 76-byte file declaring 3,000,000,000 rows is refused without a large allocation", async (t) => {
  const text = H + "3000000000 3000000000 1\n1 1 1\n";
  t.is(text.length, 76);
  const m = await measure(text);
  t.regex(m.error, /^RangeError: readMatrixMarket: line 2: rows = 3000000000 cannot be indexed/);
  t.true(m.arrayBuffers < 2 ** 20, `ArrayBuffer memory grew by ${m.arrayBuffers} bytes`);
  t.true(m.rss < 2 ** 25, `rss grew by ${m.rss} bytes`);
});

test("a file declaring 1e8 rows beyond the budget is refused without a large allocation", async (t) => {
  const m = await measure(H + "100000000 100000000 1\n1 1 1\n", 2 ** 26);
  t.regex(m.error, /^RangeError: readMatrixMarket: line 2: a 100000000×100000000 matrix with 1 entries needs about/);
  t.true(m.arrayBuffers < 2 ** 20, `ArrayBuffer memory grew by ${m.arrayBuffers} bytes`);
  t.true(m.rss < 2 ** 25, `rss grew by ${m.rss} bytes`);
});
