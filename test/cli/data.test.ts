import test from "ava";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { iris, parseCsv, spirals } from "../../packages/cli/src/data.js";
import { krylov, tempDir } from "./run.js";

function columnStats(X: Float64Array, m: number, d: number, j: number): { mean: number; std: number } {
  let mean = 0;
  for (let i = 0; i < m; i++) mean += X[i * d + j] as number;
  mean /= m;
  let v = 0;
  for (let i = 0; i < m; i++) v += ((X[i * d + j] as number) - mean) ** 2;
  return { mean, std: Math.sqrt(v / m) };
}

test("iris holds 150 standardized samples of 4 features in 3 one-hot classes of 50", (t) => {
  const d = iris();
  t.deepEqual([d.samples, d.features, d.outputs], [150, 4, 3]);
  for (let j = 0; j < 4; j++) {
    const s = columnStats(d.X, 150, 4, j);
    t.true(Math.abs(s.mean) < 1e-12 && Math.abs(s.std - 1) < 1e-12);
  }
  for (let c = 0; c < 3; c++) {
    let count = 0;
    for (let i = 0; i < 150; i++) count += d.Y[i * 3 + c] as number;
    t.is(count, 50);
  }
});

test("spirals are the same for the same seed and differ for another", (t) => {
  t.deepEqual(spirals(60, 3, 1).X, spirals(60, 3, 1).X);
  t.notDeepEqual(spirals(60, 3, 1).X, spirals(60, 3, 2).X);
  t.is(spirals(60, 3, 1).outputs, 3);
});

test("a CSV label column of strings makes a one-hot classification problem", (t) => {
  const d = parseCsv("x,kind,y\n1,a,2\n2,b,4\n3,a,7\n", "f.csv", "kind");
  t.is(d.task, "classification");
  t.deepEqual(d.classes, ["a", "b"]);
  t.deepEqual(Array.from(d.Y), [1, 0, 0, 1, 1, 0]);
  t.deepEqual(d.featureNames, ["x", "y"]);
});

test("a CSV label column of numbers makes a standardized regression target", (t) => {
  const d = parseCsv("x,price\n1,10\n2,20\n3,30\n", "f.csv", "price");
  t.is(d.task, "regression");
  t.is(d.outputs, 1);
  const s = columnStats(d.Y, 3, 1, 0);
  t.true(Math.abs(s.mean) < 1e-12 && Math.abs(s.std - 1) < 1e-12);
});

test("a CSV with quoted commas, a quoted number, \"\" escapes, CRLF ends and a blank last line loads to the right matrix and labels", (t) => {
  const text = [
    'width,"label, long",height',
    '1,"setosa, wild",2',
    '"3.5","say ""hi""",4',
    '5,"setosa, wild",7',
    "",
    "",
  ].join("\r\n");
  const d = parseCsv(text, "q.csv", "label, long");
  t.is(d.task, "classification");
  t.deepEqual(d.featureNames, ["width", "height"]);
  t.deepEqual(d.classes, ["setosa, wild", 'say "hi"']);
  t.deepEqual(Array.from(d.Y), [1, 0, 0, 1, 1, 0]);
  // The raw features, recovered from the standardization: rows (1, 2), (3.5, 4), (5, 7).
  const raw = Array.from(d.X, (x, k) => x * (d.featureStd[k % 2] as number) + (d.featureMean[k % 2] as number));
  [1, 2, 3.5, 4, 5, 7].forEach((want, k) => t.true(Math.abs((raw[k] as number) - want) < 1e-12, `${raw[k]} vs ${want}`));
});

test("a quoted CSV field may span lines, and errors name the line where its row starts", (t) => {
  const text = 'a,b,label\n1,2,"two\nlines"\n\n3,x,y\n';
  const err = t.throws(() => parseCsv(text, "m.csv", "label"));
  t.is(err?.message, "m.csv:5: feature 'b' is not a number: 'x'");
  t.deepEqual(parseCsv('a,b,label\n1,2,"two\nlines"\n3,4,y\n', "m.csv", "label").classes, ["two\nlines", "y"]);
});

for (const [what, text, message] of [
  ["an unclosed quote", 'a,b,label\n1,2,x\n\n3,4,"y\n5,6,z\n', /^u\.csv:4: a quoted field is never closed/],
  ["text after a closing quote", 'a,b,label\n1,2,"x"y\n', /^u\.csv:2: malformed CSV: text after a closing quote/],
  ["a ragged row", 'a,b,label\r\n1,2,x\r\n"3",4\r\n', /^u\.csv:3: expected 3 fields but found 2$/],
] as const) {
  test(`a CSV with ${what} is refused with a one-line message naming the file and line`, (t) => {
    const err = t.throws(() => parseCsv(text, "u.csv", "label"));
    t.regex(err?.message ?? "", message);
    t.false((err?.message ?? "").includes("\n"));
  });
}

test("krylov hessian trains on a CSV whose label column name and values hold quoted commas", async (t) => {
  const csv = join(tempDir(), "quoted.csv");
  writeFileSync(csv, 'width,"label, long",height\r\n1,"setosa, wild",2\r\n"3.5","say ""hi""",4\r\n5,"setosa, wild",7\r\n2,"say ""hi""",1\r\n\r\n');
  const r = await krylov(["hessian", "--data", csv, "--label", "label, long", "--steps", "5", "--hidden", "3", "--json", "--quiet"]);
  t.is(r.code, 0, r.stderr);
  const rep = JSON.parse(r.stdout) as { data: { samples: number; features: number; classes: string[] } };
  t.deepEqual([rep.data.samples, rep.data.features], [4, 2]);
  t.deepEqual(rep.data.classes, ["setosa, wild", 'say "hi"']);
});

test("CSV errors name the right line after a quoted field holding a CRLF line break", (t) => {
  // csv-parse counts a CRLF inside quotes as two lines; the rows after it, and the row holding it, were named one line late.
  const after = t.throws(() => parseCsv('a,b,label\r\n1,2,"p\r\nq"\r\n3,4,y\r\n5,x,z\r\n', "c.csv", "label"));
  t.is(after?.message, "c.csv:5: feature 'b' is not a number: 'x'");
  const own = t.throws(() => parseCsv('a,b,label\r\n1,x,"p\r\nq"\r\n3,4,y\r\n', "c.csv", "label"));
  t.is(own?.message, "c.csv:2: feature 'b' is not a number: 'x'");
  const unclosed = t.throws(() => parseCsv('a,b,label\r\n1,2,"p\r\nq"\r\n3,4,y\r\n5,6,"z\r\n', "c.csv", "label"));
  t.regex(unclosed?.message ?? "", /^c\.csv:5: a quoted field is never closed/);
});

test("spirals hold exactly the number of samples asked for, even when the classes do not divide it", (t) => {
  const d = spirals(10, 3, 0);
  t.is(d.samples, 10);
  t.is(d.outputs, 3);
  t.is(spirals(301, 3, 0).samples, 301);
});

test("spirals with fewer samples than classes exit 2 naming both options", async (t) => {
  const r = await krylov(["hessian", "--data", "spirals", "--samples", "4", "--classes", "5", "--steps", "1"]);
  t.is(r.code, 2);
  t.regex(r.stderr, /^krylov hessian: --samples 4 is fewer than --classes 5/);
  t.is(r.stdout, "");
});

test("a CSV label column with a single class exits 2 instead of training on a loss that is identically 0", async (t) => {
  const csv = join(tempDir(), "one-class.csv");
  writeFileSync(csv, "a,b,label\n1,2,x\n3,4,x\n5,1,x\n");
  const r = await krylov(["hessian", "--data", csv, "--label", "label", "--steps", "1"]);
  t.is(r.code, 2);
  t.regex(r.stderr, /^krylov hessian: .*one-class\.csv: the label 'label' holds a single class \('x'\)/);
  t.is(r.stdout, "");
});
