import test from "ava";
import { execFile } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot, tempDir } from "./run.js";

/**
 * Runs `writeReport` in a child process whose file writes send the process `signal` after the
 * `at`-th file, as a Ctrl-C during the write would; resolves to the child's exit code and signal.
 */
function interruptedWrite(dir: string, signal: "SIGINT" | "SIGTERM", at: number): Promise<{ code: number | null; signal: string | null; stderr: string }> {
  const script = `
    import { writeFileSync, renameSync } from "node:fs";
    import { writeReport, Interrupted } from "./packages/cli/src/report.ts";
    let files = 0;
    const fs = {
      writeFile: (path, text) => { writeFileSync(path, text); if (++files === ${at}) process.kill(process.pid, ${JSON.stringify(signal)}); },
      rename: renameSync,
    };
    const report = new Map([["report.json", "{}"], ["spectrum.svg", "<svg/>"], ["convergence.svg", "<svg/>"]]);
    try {
      await writeReport(${JSON.stringify(dir)}, report, fs);
      process.stdout.write("written");
    } catch (e) {
      if (!(e instanceof Interrupted)) throw e;
      process.stderr.write(e.message);
      process.exitCode = e.exitCode;
    }
  `;
  return new Promise((done) => {
    const child = execFile(process.execPath, ["--conditions=source", "--import=tsx", "--input-type=module", "-e", script], { cwd: repoRoot }, (_e, _out, stderr) => {
      done({ code: child.exitCode, signal: child.signalCode, stderr });
    });
  });
}

for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143]] as const) {
  test(`${signal} during the report write leaves no hidden temporary folder and exits ${code}`, async (t) => {
    const parent = tempDir();
    const r = await interruptedWrite(join(parent, "new-report"), signal, 2);
    t.is(r.signal, null, "the signal is caught, not fatal");
    t.is(r.code, code, r.stderr);
    t.is(r.stderr, `interrupted by ${signal}`);
    t.deepEqual(readdirSync(parent), [], "neither DIR nor .DIR.tmp-* is left");
  });
}

test("SIGINT during the write over an old report leaves the old report as it was", async (t) => {
  const parent = tempDir();
  const dir = join(parent, "report");
  mkdirSync(dir);
  writeFileSync(join(dir, "report.json"), '{"old":true}');
  const r = await interruptedWrite(dir, "SIGINT", 1);
  t.is(r.code, 130, r.stderr);
  t.deepEqual(readdirSync(parent), ["report"]);
  t.deepEqual(readdirSync(dir), ["report.json"]);
  t.is(readFileSync(join(dir, "report.json"), "utf8"), '{"old":true}');
});
