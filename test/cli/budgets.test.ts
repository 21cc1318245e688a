import test from "ava";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { UsageError, parseCommand } from "../../packages/cli/src/args.js";
import type { Command } from "../../packages/cli/src/command.js";
import { eigs } from "../../packages/cli/src/commands/eigs.js";
import { hessian } from "../../packages/cli/src/commands/hessian.js";
import { solve } from "../../packages/cli/src/commands/solve.js";
import { hessianCost } from "../../packages/cli/src/cost.js";
import { progress } from "../../packages/cli/src/progress.js";
import { krylov, matrices, tempDir } from "./run.js";

const commands: Record<string, Command> = { eigs, solve, hessian };

const dir = tempDir();
const file = (name: string, text: string): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const huge = file("huge.mtx", "%%MatrixMarket matrix coordinate real general\n3000000000 3000000000 1\n1 1 1\n");
const big = file("big.mtx", "%%MatrixMarket matrix coordinate real symmetric\n100000000 100000000 1\n1 1 1\n");
const csv = file("wide.csv", `a,b,label\n${"1,2,x\n3,4,y\n".repeat(400)}`);
const nan = file("nan.mtx", "%%MatrixMarket matrix coordinate real symmetric\n2 2 2\n1 1 NaN\n2 2 1\n");

const refused: Array<[string, readonly string[], RegExp]> = [
  ["a file declaring 3e9 rows", ["eigs", huge], /^krylov eigs: .*huge\.mtx: line 2: rows = 3000000000 cannot be indexed \(CSR storage holds at most 2³¹ − 1 = 2147483647 rows\)$/],
  ["a file declaring 1e8 rows", ["solve", big], /^krylov solve: .*big\.mtx: line 2: a 100000000×100000000 matrix with 1 entries needs about 4 GB, above the memory budget of 2\.15 GB \(--max-memory\)$/],
  ["a small matrix beyond a tiny --max-memory", ["eigs", join(matrices, "LF10.mtx"), "--max-memory", "1e-5"], /^krylov eigs: .*LF10\.mtx: a 18×18 matrix needs about 0\.0000\d+ GiB for eigs, above --max-memory 0\.00001 GiB$/],
  ["a file larger than --max-memory allows to read", ["eigs", join(matrices, "494_bus.mtx"), "--max-memory", "1e-6"], /^krylov eigs: .*494_bus\.mtx is 0\.0000\d+ GiB; reading it needs about .* GiB, above --max-memory 0\.000001 GiB$/],
  ["eigs --probes 1e9", ["eigs", join(matrices, "LF10.mtx"), "--probes", "1e9"], /^krylov eigs: the density of .*LF10\.mtx \(--probes 1000000000 × --steps 60\) would take about \d+ days \(estimated at 10⁸ flop\/s\), above --max-hours 1$/],
  ["a NaN entry", ["eigs", nan], /^krylov eigs: .*nan\.mtx: line 3: the value "NaN" is not a real number/],
  ["--hidden 100000000", ["hessian", "--hidden", "100000000"], /^krylov hessian: the run needs about \d+ GiB, mostly for the activations of 150 samples through 100000007 units \(--samples, --hidden\), above --max-memory 2 GiB$/],
  ["--probes 1e9", ["hessian", "--probes", "1e9"], /^krylov hessian: the run would take about \d+ days \(estimated at 10⁸ flop\/s\), mostly for 1000000000 Hutchinson probes \(--probes\), above --max-hours 1$/],
  ["--steps 1e12", ["hessian", "--steps", "1e12"], /^krylov hessian: the run needs about \d+ GiB, mostly for the loss curve of 1000000000000 steps \(--steps\), above --max-memory 2 GiB$/],
  ["--steps 1e7", ["hessian", "--steps", "1e7"], /^krylov hessian: the run would take about [\d.]+ h .*mostly for 10000000 Adam steps \(--steps\), above --max-hours 1$/],
  ["a CSV file larger than --max-memory allows to read", ["hessian", "--data", csv, "--label", "label", "--max-memory", "1e-5"], /^krylov hessian: data file '.*wide\.csv' is 0\.0000\d+ GiB; reading it needs about 0\.0000\d+ GiB, above --max-memory 0\.00001 GiB$/],
  ["1e9 spirals samples", ["hessian", "--data", "spirals", "--samples", "1e9"], /^krylov hessian: the run needs about \d+ GiB, mostly for the activations of 1000000000 samples/],
];
// Run in process (the refusal comes from the command's run, before any computation); the exit
// code, the single line on stderr and the absence of output are checked end to end below.
for (const [what, args, message] of refused) {
  test(`${what} is refused with one line before anything is computed`, async (t) => {
    const [name, ...rest] = args as [string, ...string[]];
    const command = commands[name] as Command;
    const error = await t.throwsAsync(command.run(parseCommand(command.spec, rest), progress(false)), { instanceOf: UsageError });
    t.regex(error?.message ?? "", message);
    t.false(error?.message.includes("\n"));
  });
}

test("a file declaring 3e9 rows exits 2 with one line on stderr, nothing on stdout and no report", async (t) => {
  const out = join(dir, "out-huge");
  const r = await krylov(["eigs", huge, "--out", out]);
  t.is(r.code, 2);
  t.regex(r.stderr, /^krylov eigs: .*huge\.mtx: line 2: rows = 3000000000 cannot be indexed/);
  t.is(r.stderr.trim().split("\n").length, 1, r.stderr);
  t.is(r.stdout, "");
  t.false(existsSync(out));
});

test("the cost estimate of the default hessian run is far within the default budgets", (t) => {
  const cost = hessianCost({ samples: 150, widths: [4, 16, 16, 3], steps: 500, top: 5, bottom: 3, probes: 100, slqProbes: 10, slqSteps: 40, maxIterations: 1000 });
  t.is(cost.parameters, 403);
  t.true(cost.bytes < 2 ** 25, `${cost.bytes}`);
  t.true(cost.seconds < 60, `${cost.seconds}`);
  // Each term grows with its option: doubling --probes doubles the Hutchinson term.
  const more = hessianCost({ samples: 150, widths: [4, 16, 16, 3], steps: 500, top: 5, bottom: 3, probes: 200, slqProbes: 10, slqSteps: 40, maxIterations: 1000 });
  const term = (c: typeof cost): number => c.time.find((x) => x.what.includes("Hutchinson"))?.amount ?? NaN;
  t.is(term(more), 2 * term(cost));
  // --slq-steps beyond n costs what n steps cost: the command caps them at n.
  const capped = hessianCost({ samples: 150, widths: [4, 16, 16, 3], steps: 500, top: 5, bottom: 3, probes: 100, slqProbes: 10, slqSteps: 1e12, maxIterations: 1000 });
  const atN = hessianCost({ samples: 150, widths: [4, 16, 16, 3], steps: 500, top: 5, bottom: 3, probes: 100, slqProbes: 10, slqSteps: 403, maxIterations: 1000 });
  t.deepEqual([capped.bytes, capped.seconds], [atN.bytes, atN.seconds]);
});

test("a bad --out is refused before the matrix is read or the model trained", async (t) => {
  // Both the --out and the input are wrong: the --out is reported, so it was checked first.
  const plain = file("plain-file", "x");
  const r = await krylov(["eigs", nan, "--out", join(plain, "report")]);
  t.is(r.code, 2);
  t.regex(r.stderr, /^krylov: cannot write the report into '.*plain-file.report' \('.*plain-file' is not a folder\)\n$/);
  const h = await krylov(["hessian", "--data", join(dir, "missing.csv"), "--label", "y", "--out", plain]);
  t.is(h.code, 2);
  t.regex(h.stderr, /^krylov: cannot write the report into '.*plain-file' \(it exists and is not a folder\)\n$/);
});
