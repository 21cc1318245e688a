import test from "ava";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { spirals } from "../../packages/cli/src/data.js";
import { krylov, tempDir } from "./run.js";

const dir = tempDir();
const nonSymmetric = join(dir, "nonsym.mtx");
writeFileSync(
  nonSymmetric,
  "%%MatrixMarket matrix coordinate real general\n3 3 5\n1 1 4\n2 2 4\n3 3 4\n1 2 1\n2 3 -2\n",
);

test("solve refuses a non-symmetric matrix with exit 2 instead of running CG on it", async (t) => {
  const out = join(dir, "out-nonsym");
  const r = await krylov(["solve", nonSymmetric, "--out", out]);
  t.is(r.code, 2);
  t.regex(r.stderr, /^krylov solve: .*nonsym\.mtx is not symmetric/);
  t.is(r.stderr.trim().split("\n").length, 1, r.stderr);
  t.is(r.stdout, "");
  t.false(existsSync(out));
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
  const csv = join(dir, "one-class.csv");
  writeFileSync(csv, "a,b,label\n1,2,x\n3,4,x\n5,1,x\n");
  const r = await krylov(["hessian", "--data", csv, "--label", "label", "--steps", "1"]);
  t.is(r.code, 2);
  t.regex(r.stderr, /^krylov hessian: .*one-class\.csv: the label 'label' holds a single class \('x'\)/);
  t.is(r.stdout, "");
});
