import test from "ava";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { UsageError, parseCommand } from "../../packages/cli/src/args.js";
import type { Command } from "../../packages/cli/src/command.js";
import { eigs } from "../../packages/cli/src/commands/eigs.js";
import { hessian } from "../../packages/cli/src/commands/hessian.js";
import { solve } from "../../packages/cli/src/commands/solve.js";
import { hessianCost } from "../../packages/cli/src/cost.js";
import { PLAN_FLOP_RATE, planCost, planProfile } from "../../packages/cli/src/plan-cost.js";
import { cnn } from "../../packages/cli/src/cnn.js";
import { softmaxCrossEntropy } from "@krylov-ts/autodiff";
import { progress } from "../../packages/cli/src/progress.js";
import { krylov, matrices, repoRoot, tempDir } from "./run.js";

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
const tfjsModel = join(repoRoot, "test/fixtures/tfjs/iris-mlp/model.json");
const flowers = file("flowers.csv", `a,b,c,d,species\n${"5.1,3.5,1.4,0.2,setosa\n6.3,2.5,5.0,1.9,virginica\n".repeat(400)}`);
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
  ["--steps 1e7", ["hessian", "--steps", "1e7"], /^krylov hessian: the run would take about [\d.]+ (min|h) .*mostly for 10000000 Adam steps \(--steps\), above --max-hours 1$/],
  ["a CSV file larger than --max-memory allows to read", ["hessian", "--data", csv, "--label", "label", "--max-memory", "1e-5"], /^krylov hessian: data file '.*wide\.csv' is 0\.0000\d+ GiB; reading it needs about 0\.0000\d+ GiB, above --max-memory 0\.00001 GiB$/],
  ["1e9 spirals samples", ["hessian", "--data", "spirals", "--samples", "1e9"], /^krylov hessian: the run needs about \d+ GiB, mostly for the activations of 1000000000 samples/],
  ["the CNN on all 10,000 digits", ["hessian", "--data", "mnist", "--model", "cnn", "--train-samples", "10000"], /^krylov hessian: the run needs about [\d.]+ GiB, mostly for the gradient plan of full-batch training on 10000 samples \(--train-samples\), above --max-memory 2 GiB$/],
  ["the CNN in batches of 2,000 digits", ["hessian", "--data", "mnist", "--model", "cnn", "--train-samples", "2000", "--batch-size", "2000"], /^krylov hessian: the run needs about [\d.]+ GiB, mostly for the H·v and gradient plans of a batch of 2000 samples \(--batch-size\)(, one on each of \d+ threads)?, above --max-memory 2 GiB$/],
  ["the CNN with --probes 1e6", ["hessian", "--data", "mnist", "--model", "cnn", "--train-samples", "100", "--probes", "1e6"], /^krylov hessian: the run would take about [\d.]+ days \(estimated at 5·10⁸ flop\/s of the compiled plans\), mostly for 1000000 Hutchinson probes \(--probes\), above --max-hours 1$/],
  ["a TF.js model beyond a tiny --max-memory", ["hessian", "--model", tfjsModel, "--data", flowers, "--label", "species", "--batch-size", "10", "--max-memory", "3e-4"], /^krylov hessian: the run needs about 0\.000\d+ GiB, mostly for the gradient plan of full-batch training on 800 samples \(--data\), above --max-memory 0\.0003 GiB$/],
  ["a TF.js model with --steps 1e7", ["hessian", "--model", tfjsModel, "--data", flowers, "--label", "species", "--steps", "1e7"], /^krylov hessian: the run would take about [\d.]+ (min|h) \(estimated at 5·10⁸ flop\/s of the compiled plans\), mostly for 10000000 full-batch Adam steps on 800 samples \(--steps, --data\), above --max-hours 1$/],
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

test("the CNN's plan profile grows linearly with the batch and prices a streamed product as the batches it runs", (t) => {
  const net = cnn("tanh");
  const p = planProfile(net.n, [28, 28, 1], [10], (theta, X, Y) => softmaxCrossEntropy(net.apply(theta, X), Y));
  t.is(p.parameters, 9098);
  // A sample's activations: conv 28·28·8, its im2col 28·28·9, … — hundreds of kB of plan buffers, not MB.
  t.true(p.gradientBytes.perSample > 2e5 && p.gradientBytes.perSample < 2e6, `${p.gradientBytes.perSample}`);
  t.true(p.hvFlops.perSample > p.gradientFlops.perSample, `${p.hvFlops.perSample} vs ${p.gradientFlops.perSample}`);
  const run = { samples: 1000, batchSize: 250, steps: 0, top: 0, bottom: 0, probes: 10, slqProbes: 1, slqSteps: 2, maxIterations: 1, samplesOption: "--train-samples" };
  const hutchinson = (c: ReturnType<typeof planCost>): number => c.time.find((x) => x.what.includes("Hutchinson"))?.amount ?? NaN;
  // 10 products over 1,000 samples: 4 runs of the batch-250 plan each.
  const expected = (10 * (4 * (p.hvFlops.fixed + 250 * p.hvFlops.perSample))) / PLAN_FLOP_RATE;
  t.true(Math.abs(hutchinson(planCost(p, run)) - expected) <= 1e-12 * expected);
  // A last partial batch costs its samples only: 1,100 samples = 4 full batches and one of 100.
  const partial = (10 * (5 * p.hvFlops.fixed + 1100 * p.hvFlops.perSample)) / PLAN_FLOP_RATE;
  t.true(Math.abs(hutchinson(planCost(p, { ...run, samples: 1100 })) - partial) <= 1e-12 * partial);
  // A --batch-size above the samples is one batch of all of them.
  t.deepEqual(planCost(p, { ...run, batchSize: 1e9 }).bytes, planCost(p, { ...run, batchSize: 1000 }).bytes);
});
