import test from "ava";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { UsageError, parseCommand, printable } from "../../packages/cli/src/args.js";
import { progress } from "../../packages/cli/src/progress.js";
import { eigs } from "../../packages/cli/src/commands/eigs.js";
import { hessian } from "../../packages/cli/src/commands/hessian.js";
import { solve } from "../../packages/cli/src/commands/solve.js";
import { krylov, matrices, tempDir } from "./run.js";

const specs = { eigs: eigs.spec, solve: solve.spec, hessian: hessian.spec };

const LF10 = join(matrices, "LF10.mtx");
const dir = tempDir();

const negatives: Array<[readonly string[], string]> = [
  [["eigs", LF10, "--tol", "-1"], "krylov eigs: --tol must be > 0, got -1"],
  [["eigs", LF10, "-k=-1"], "krylov eigs: --k must be ≥ 1, got -1"],
  [["eigs", LF10, "-k", "-1"], "krylov eigs: --k must be ≥ 1, got -1"],
  [["eigs", LF10, "--tol=-1e-3"], "krylov eigs: --tol must be > 0, got -0.001"],
  [["solve", LF10, "--rtol", "-.5"], "krylov solve: --rtol must be > 0, got -0.5"],
  [["solve", LF10, "--max-iterations", "-Infinity"], "krylov solve: --max-iterations must be an integer, got '-Infinity'"],
  [["hessian", "--damping", "-0.1"], "krylov hessian: --damping must be ≥ 0, got -0.1"],
  [["hessian", "--steps", "-5"], "krylov hessian: --steps must be ≥ 0, got -5"],
  [["hessian", "--max-memory", "-2"], "krylov hessian: --max-memory must be > 0, got -2"],
];
for (const [args, message] of negatives) {
  test(`the negative number in '${args.slice(args[0] === "hessian" ? 1 : 2).join(" ")}' is parsed and refused by the range check`, (t) => {
    const [command, ...rest] = args as [keyof typeof specs, ...string[]];
    t.throws(() => parseCommand(specs[command], rest), { instanceOf: UsageError, message });
  });
}

test("krylov eigs -k -1 exits 2 with the range check's message", async (t) => {
  const r = await krylov(["eigs", LF10, "-k", "-1"]);
  t.is(r.code, 2);
  t.is(r.stderr, "krylov eigs: --k must be ≥ 1, got -1\n");
  t.is(r.stdout, "");
});

test("negative values of options that allow them are read as values, not options", (t) => {
  const p = parseCommand(solve.spec, [LF10, "--seed", "-3", "--rhs", "random"]);
  t.is(p.values["seed"], -3);
  t.is(p.positional, LF10);
  t.is(parseCommand(solve.spec, [LF10, "--seed=-4"]).values["seed"], -4);
});

test("a token after an option that is not a negative number is still taken as an option", (t) => {
  t.throws(() => parseCommand(eigs.spec, [LF10, "-k", "-x"]), { instanceOf: UsageError, message: /^krylov eigs: / });
  // A boolean flag takes no value: a negative number after it is not attached to it.
  t.throws(() => parseCommand(eigs.spec, [LF10, "--quiet", "-1"]), { instanceOf: UsageError, message: /unknown option '-1'/ });
});

const ESC = "\u001b";
test("control characters from a file name are escaped JSON-style in the message", async (t) => {
  const r = await krylov(["eigs", join(dir, `${ESC}[31mred.mtx`)]);
  t.is(r.code, 2);
  t.false(r.stderr.includes(ESC));
  t.regex(r.stderr, /cannot read '.*\\u001b\[31mred\.mtx' \(no such file\)/);
});

test("control characters from a Matrix Market file are escaped in the message", async (t) => {
  const file = join(dir, "escape.mtx");
  writeFileSync(file, `%%MatrixMarket matrix coordinate real general\n1 1 1\n1 1 ${ESC}]0;title\u0007\n`);
  const e = await t.throwsAsync(eigs.run(parseCommand(eigs.spec, [file]), progress(false)), { instanceOf: UsageError });
  t.false(/[\u0000-\u001f]/.test(e?.message ?? ""), JSON.stringify(e?.message));
  t.regex(e?.message ?? "", /line 3: the value "\\u001b\]0;title\\u0007" is not a real number/);
});

test("printable escapes C0, DEL and C1 control characters JSON-style and keeps tabs and, when asked, line feeds", (t) => {
  t.is(printable(`a${ESC}[2Jb\u0000c\u007fd\u009be\tf`), "a\\u001b[2Jb\\u0000c\\u007fd\\u009be\tf");
  t.is(printable("x\ny\rz"), "x\\u000ay\\u000dz");
  t.is(printable("x\ny", true), "x\ny");
  t.is(printable("ü → ‖A‖ 2³¹"), "ü → ‖A‖ 2³¹");
});

test("control characters in a CSV field are escaped on the terminal", async (t) => {
  const csv = join(dir, "escape.csv");
  writeFileSync(csv, `a,label\n1,x\n${ESC}[5m,y\n`);
  const r = await krylov(["hessian", "--data", csv, "--label", "label"]);
  t.is(r.code, 2);
  t.false(r.stderr.includes(ESC));
  t.regex(r.stderr, /\\u001b\[5m/);
});
