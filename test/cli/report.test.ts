import test from "ava";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { writeReport, type ReportFs } from "../../packages/cli/src/report.js";
import { krylov, matrices, tempDir } from "./run.js";

const newReport = new Map([
  ["report.json", '{"new":true}\n'],
  ["spectrum.svg", "<svg>new spectrum</svg>"],
  ["convergence.svg", "<svg>new convergence</svg>"],
]);

/** A folder holding an old report: report.json and spectrum.svg. */
function oldReport(parent: string): string {
  const dir = join(parent, "report");
  mkdirSync(dir);
  writeFileSync(join(dir, "report.json"), '{"old":true}\n');
  writeFileSync(join(dir, "spectrum.svg"), "<svg>old</svg>");
  return dir;
}

const contents = (dir: string): Record<string, string> =>
  Object.fromEntries(readdirSync(dir).sort().map((name) => [name, readFileSync(join(dir, name), "utf8")]));

const failing = (what: "writeFile" | "rename", at: number): ReportFs => {
  let calls = 0;
  return {
    writeFile: (path, text) => {
      if (what === "writeFile" && ++calls === at) throw Object.assign(new Error("disk full"), { code: "ENOSPC" });
      writeFileSync(path, text);
    },
    rename: (from, to) => {
      if (what === "rename" && ++calls === at) throw Object.assign(new Error("busy"), { code: "EBUSY" });
      renameSync(from, to);
    },
  };
};

test("a report lands whole in a new folder, creating its parents, with nothing else left beside it", async (t) => {
  const parent = tempDir();
  const dir = join(parent, "a", "b", "report");
  t.is(await writeReport(dir, newReport), dir);
  t.deepEqual(contents(dir), Object.fromEntries([...newReport].sort()));
  t.deepEqual(readdirSync(join(parent, "a", "b")), ["report"]);
});

test("an existing report folder is replaced whole: no old plot survives and no backup is left", async (t) => {
  const parent = tempDir();
  const dir = oldReport(parent);
  const solveReport = new Map([["report.json", '{"new":true}\n'], ["convergence.svg", "<svg>new</svg>"]]);
  await writeReport(dir, solveReport);
  t.deepEqual(contents(dir), { "convergence.svg": "<svg>new</svg>", "report.json": '{"new":true}\n' });
  t.deepEqual(readdirSync(parent), ["report"]);
});

test("a folder holding a file that is not a report's is refused and left intact", async (t) => {
  const parent = tempDir();
  const dir = oldReport(parent);
  writeFileSync(join(dir, "notes.txt"), "mine");
  const err = await t.throwsAsync(() => writeReport(dir, newReport));
  t.regex(err?.message ?? "", /^krylov: cannot write the report into '.*report' \(it holds files other than a report's: notes\.txt;/);
  t.deepEqual(contents(dir), { "notes.txt": "mine", "report.json": '{"old":true}\n', "spectrum.svg": "<svg>old</svg>" });
  t.deepEqual(readdirSync(parent), ["report"]);
});

test("a failed write of the second file leaves the old report as it was and no temporary folder", async (t) => {
  const parent = tempDir();
  const dir = oldReport(parent);
  const err = await t.throwsAsync(() => writeReport(dir, newReport, failing("writeFile", 2)));
  t.regex(err?.message ?? "", /cannot write the report into .* \(no space left on the device\)$/);
  t.deepEqual(contents(dir), { "report.json": '{"old":true}\n', "spectrum.svg": "<svg>old</svg>" });
  t.deepEqual(readdirSync(parent), ["report"]);
});

test("a failed rename of the new folder onto DIR puts the old report back and leaves no backup or temporary folder", async (t) => {
  const parent = tempDir();
  const dir = oldReport(parent);
  // rename 1 moves DIR to its backup, rename 2 (the new folder onto DIR) fails, rename 3 restores.
  const err = await t.throwsAsync(() => writeReport(dir, newReport, failing("rename", 2)));
  t.regex(err?.message ?? "", /cannot write the report into .* \(EBUSY\)$/);
  t.deepEqual(contents(dir), { "report.json": '{"old":true}\n', "spectrum.svg": "<svg>old</svg>" });
  t.deepEqual(readdirSync(parent), ["report"]);
});

test("a failed rename of DIR to its backup name leaves the old report in place and no temporary folder", async (t) => {
  const parent = tempDir();
  const dir = oldReport(parent);
  await t.throwsAsync(() => writeReport(dir, newReport, failing("rename", 1)), { message: /cannot write the report into .* \(EBUSY\)$/ });
  t.deepEqual(contents(dir), { "report.json": '{"old":true}\n', "spectrum.svg": "<svg>old</svg>" });
  t.deepEqual(readdirSync(parent), ["report"]);
});

test("a failed rename into a new folder removes the temporary folder and the parents it created", async (t) => {
  const parent = tempDir();
  const err = await t.throwsAsync(() => writeReport(join(parent, "made", "report"), newReport, failing("rename", 1)));
  t.regex(err?.message ?? "", /cannot write the report into/);
  t.deepEqual(readdirSync(parent), []);
});

test("--out DIR whose parent is a file exits 2 before computing and leaves no temporary or backup folder", async (t) => {
  const parent = tempDir();
  writeFileSync(join(parent, "plain-file"), "x");
  const r = await krylov(["eigs", join(matrices, "LF10.mtx"), "-k", "2", "--quiet", "--out", join(parent, "plain-file", "report")]);
  t.is(r.code, 2);
  t.regex(r.stderr, /^krylov: cannot write the report into '.*plain-file.report' \('.*plain-file' is not a folder\)$/m);
  t.is(r.stderr.trim().split("\n").length, 1, r.stderr);
  t.deepEqual(readdirSync(parent), ["plain-file"]);
});

test("--out replaces an earlier report of another command and refuses a folder with a user's file", async (t) => {
  const parent = tempDir();
  const out = join(parent, "report");
  const eigs = await krylov(["eigs", join(matrices, "LF10.mtx"), "-k", "2", "--quiet", "--out", out]);
  t.is(eigs.code, 0, eigs.stderr);
  t.deepEqual(readdirSync(out).sort(), ["convergence.svg", "report.json", "spectrum.svg"]);
  const solve = await krylov(["solve", join(matrices, "LF10.mtx"), "--quiet", "--out", out]);
  t.is(solve.code, 0, solve.stderr);
  t.deepEqual(readdirSync(out).sort(), ["convergence.svg", "report.json"]);
  t.is((JSON.parse(readFileSync(join(out, "report.json"), "utf8")) as { command: string }).command, "solve");
  writeFileSync(join(out, "keep.txt"), "mine");
  const refused = await krylov(["eigs", join(matrices, "LF10.mtx"), "-k", "2", "--quiet", "--out", out]);
  t.is(refused.code, 2);
  t.regex(refused.stderr, /^krylov: cannot write the report into '.*report' \(it holds files other than a report's: keep\.txt;/);
  t.is(refused.stdout, "");
  t.deepEqual(readdirSync(out).sort(), ["convergence.svg", "keep.txt", "report.json"]);
  t.deepEqual(readdirSync(parent), ["report"]);
  t.false(existsSync(join(out, "spectrum.svg")));
});
