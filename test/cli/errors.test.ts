import test from "ava";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { krylov, matrices, tempDir } from "./run.js";

const dir = tempDir();
const file = (name: string, text: string): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const csvBadLine = file("bad-line.csv", "a,b,label\n1,2,x\n3,4,y\n5,6\n7,8,x\n");
const csvBadNumber = file("bad-number.csv", "a,b,label\n1,2,x\n3,four,y\n");
const csvGood = file("good.csv", "a,b,label\n1,2,x\n3,4,y\n");
const csvUnclosed = file("unclosed.csv", 'a,b,label\n1,2,"x, y"\n3,4,"y\n5,6,x\n');
const csvRagged = file("ragged.csv", 'a,b,label\r\n1,"2.5","x, y"\r\n3,4\r\n');
const mtxBadLine = file(
  "bad.mtx",
  "%%MatrixMarket matrix coordinate real general\n% a comment\n3 3 3\n1 1 2.0\n2 2 oops\n3 3 1.0\n",
);
const mtxRect = file("rect.mtx", "%%MatrixMarket matrix coordinate real general\n2 3 2\n1 1 1\n2 3 1\n");
const rhsHex = file("rhs-hex.txt", "1 2 3\n0x10 5\n");
const rhsInfinite = file("rhs-inf.txt", "1, 1e400\n");
const unreadable = join(dir, "a-folder.mtx");
mkdirSync(unreadable);

const cases: readonly (readonly [string, readonly string[], RegExp])[] = [
  ["an unknown option", ["hessian", "--bogus", "1"], /^krylov hessian: unknown option '--bogus'/],
  ["an unknown option of eigs", ["eigs", join(matrices, "LF10.mtx"), "--nope"], /^krylov eigs: unknown option '--nope'/],
  ["an unknown command", ["factor"], /^krylov: unknown command 'factor'/],
  ["a bad option value", ["eigs", join(matrices, "LF10.mtx"), "--which", "middle"], /--which must be one of largest, smallest, both/],
  ["a missing matrix file", ["eigs", join(dir, "missing.mtx")], /cannot read '.*missing\.mtx' \(no such file\)/],
  ["an unreadable matrix file", ["solve", unreadable], /cannot read '.*a-folder\.mtx' \(it is a directory\)/],
  ["a hexadecimal number in an --rhs file", ["solve", join(matrices, "LF10.mtx"), "--rhs", rhsHex], /^krylov solve: --rhs .*rhs-hex\.txt: line 2: '0x10' is not a finite decimal number$/m],
  ["an overflowing number in an --rhs file", ["solve", join(matrices, "LF10.mtx"), "--rhs", rhsInfinite], /^krylov solve: --rhs .*rhs-inf\.txt: line 1: '1e400' is not a finite decimal number$/m],
  ["a malformed Matrix Market line", ["eigs", mtxBadLine], /bad\.mtx: line 5: /],
  ["a non-square matrix for eigs", ["eigs", mtxRect], /rect\.mtx is 2×3, but eigs needs a square matrix/],
  ["-k larger than n", ["eigs", join(matrices, "LF10.mtx"), "-k", "19"], /-k 19 is larger than n = 18/],
  ["a missing CSV file", ["hessian", "--data", join(dir, "none.csv"), "--label", "y"], /cannot read data file '.*none\.csv' \(no such file\)/],
  ["a malformed CSV line", ["hessian", "--data", csvBadLine, "--label", "label"], /bad-line\.csv:4: expected 3 fields but found 2/],
  ["a non-numeric feature", ["hessian", "--data", csvBadNumber, "--label", "label"], /bad-number\.csv:3: feature 'b' is not a number: 'four'/],
  ["an unclosed quote in a CSV", ["hessian", "--data", csvUnclosed, "--label", "label"], /^krylov hessian: .*unclosed\.csv:3: a quoted field is never closed/],
  ["a ragged CSV row after quoted fields", ["hessian", "--data", csvRagged, "--label", "label"], /^krylov hessian: .*ragged\.csv:3: expected 3 fields but found 2$/m],
  ["an unknown label column", ["hessian", "--data", csvGood, "--label", "species"], /no column named 'species' \(columns: a, b, label\)/],
];

for (const [what, args, message] of cases) {
  test(`${what} exits 2 with a one-line message and leaves no output`, async (t) => {
    const out = join(dir, `out-${what.replace(/\W+/g, "-")}`);
    const r = await krylov([...args, "--out", out]);
    t.is(r.code, 2);
    t.regex(r.stderr, message);
    t.is(r.stderr.trim().split("\n").length, 1, r.stderr);
    t.is(r.stdout, "");
    t.false(existsSync(out));
  });
}

test("a report folder is written whole or not at all: an unwritable folder exits 2 and keeps its old files", async (t) => {
  const out = join(dir, "blocked");
  mkdirSync(out);
  writeFileSync(join(out, "keep.txt"), "old");
  mkdirSync(join(out, "report.json")); // renaming a file onto a folder fails
  const r = await krylov(["eigs", join(matrices, "LF10.mtx"), "-k", "2", "--out", out]);
  t.is(r.code, 2);
  t.regex(r.stderr, /cannot write the report into/);
  t.is(readFileSync(join(out, "keep.txt"), "utf8"), "old");
  t.false(existsSync(join(out, "spectrum.svg")));
});
