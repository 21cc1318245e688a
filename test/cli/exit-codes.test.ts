import test from "ava";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseCommand } from "../../packages/cli/src/args.js";
import { eigs } from "../../packages/cli/src/commands/eigs.js";
import { hessian } from "../../packages/cli/src/commands/hessian.js";
import { progress } from "../../packages/cli/src/progress.js";
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

// The two below run the command in process: \`unconverged\` is what main prints on stderr before
// it exits 3 (checked end to end above for solve).
test("eigs on a matrix whose eigenvalues overflow float64 reports lanczos unconverged with the status and the reason from stats.message", async (t) => {
  // 6×6 of 1.7e308: λmax = 6 · 1.7e308 is not a float64, so no run can converge.
  const lines = ["%%MatrixMarket matrix coordinate real symmetric", "6 6 21"];
  for (let i = 1; i <= 6; i++) for (let j = 1; j <= i; j++) lines.push(`${i} ${j} 1.7e308`);
  const file = join(dir, "overflow.mtx");
  writeFileSync(file, `${lines.join("\n")}\n`);
  const r = await eigs.run(parseCommand(eigs.spec, [file, "-k", "1"]), progress(false));
  t.regex(r.text, /^status (\w+) \(.+\), \d+ matvecs/m);
  t.is(r.unconverged.length, 1);
  t.regex(r.unconverged[0] ?? "", /^lanczos: status (\w+) \(.+\)$/);
});

test("hessian reports a Newton solve short of iterations as unconverged, and negative curvature as a finding", async (t) => {
  const quick = ["--steps", "20", "--top", "1", "--bottom", "0", "--probes", "2", "--slq-probes", "1"];
  const short = await hessian.run(parseCommand(hessian.spec, [...quick, "--max-iterations", "1", "--damping", "10"]), progress(false));
  t.deepEqual(short.unconverged, ["Newton step (cg): status maxIterations"]);
  t.regex(short.text, /Newton step .* by cg: maxIterations after 1 iterations/);
  const curved = await hessian.run(parseCommand(hessian.spec, [...quick, "--damping", "0"]), progress(false));
  t.deepEqual(curved.unconverged, []);
  t.regex(curved.text, /by cg: negativeCurvature after/);
});

test("a converged run exits 0 with nothing on stderr", async (t) => {
  const r = await krylov(["solve", join(matrices, "LF10.mtx"), "--quiet"]);
  t.is(r.code, 0);
  t.is(r.stderr, "");
  t.regex(r.stdout, /^status +converged/m);
});
