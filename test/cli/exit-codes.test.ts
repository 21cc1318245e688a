import test from "ava";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { krylov, matrices, tempDir } from "./run.js";

const dir = tempDir();

test("krylov with no arguments prints the usage on stderr and exits 2", async (t) => {
  const r = await krylov([]);
  t.is(r.code, 2);
  t.regex(r.stderr, /^Usage: krylov <command> \[options\]/);
  t.is(r.stdout, "");
});

test("krylov --help still prints the usage on stdout and exits 0", async (t) => {
  const r = await krylov(["--help"]);
  t.is(r.code, 0);
  t.regex(r.stdout, /^Usage: krylov <command> \[options\]/);
});

test("a solve that reaches its iteration budget exits 3, prints the table and names the run and its status on stderr", async (t) => {
  const out = join(dir, "solve-unconverged");
  const r = await krylov(["solve", join(matrices, "LF10.mtx"), "--max-iterations", "1", "--quiet", "--out", out]);
  t.is(r.code, 3);
  t.regex(r.stdout, /^status +maxIterations/m);
  t.is(r.stderr, "krylov solve: not converged: cg: status maxIterations\n");
  const report = JSON.parse(readFileSync(join(out, "report.json"), "utf8")) as { result: { status: string; converged: boolean } };
  t.deepEqual([report.result.status, report.result.converged], ["maxIterations", false]);
});

test("eigs on a matrix whose eigenvalues overflow float64 exits 3 and prints the status with the reason from stats.message", async (t) => {
  // 6×6 of 1.7e308: λmax = 6 · 1.7e308 is not a float64, so no run can converge.
  const lines = ["%%MatrixMarket matrix coordinate real symmetric", "6 6 21"];
  for (let i = 1; i <= 6; i++) for (let j = 1; j <= i; j++) lines.push(`${i} ${j} 1.7e308`);
  const file = join(dir, "overflow.mtx");
  writeFileSync(file, `${lines.join("\n")}\n`);
  const r = await krylov(["eigs", file, "-k", "1", "--quiet"]);
  t.is(r.code, 3, r.stderr);
  t.regex(r.stdout, /^status (\w+) \(.+\), \d+ matvecs/m);
  t.regex(r.stderr, /^krylov eigs: not converged: lanczos: status (\w+) \(.+\)\n$/);
  t.is(r.stderr.trim().split("\n").length, 1);
});

test("hessian whose Newton solve reaches its iteration budget exits 3 naming the Newton step (negative curvature is a finding, exit 0)", async (t) => {
  const r = await krylov(["hessian", "--steps", "20", "--top", "1", "--bottom", "0", "--probes", "2", "--slq-probes", "1", "--max-iterations", "1", "--damping", "10", "--quiet"]);
  t.is(r.code, 3, r.stderr);
  t.regex(r.stderr, /^krylov hessian: not converged: Newton step \(cg\): status maxIterations$/m);
  t.regex(r.stdout, /Newton step .* by cg: maxIterations after 1 iterations/);
  const curved = await krylov(["hessian", "--steps", "20", "--top", "1", "--bottom", "0", "--probes", "2", "--slq-probes", "1", "--damping", "0", "--quiet"]);
  t.is(curved.code, 0, curved.stderr);
  t.regex(curved.stdout, /by cg: negativeCurvature after/);
});

test("a converged run exits 0 with nothing on stderr", async (t) => {
  const r = await krylov(["solve", join(matrices, "LF10.mtx"), "--quiet"]);
  t.is(r.code, 0);
  t.is(r.stderr, "");
  t.regex(r.stdout, /^status +converged/m);
});
