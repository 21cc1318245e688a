/**
 * The `krylov` command: `krylov hessian`, `krylov eigs FILE.mtx`, `krylov solve FILE.mtx`, `krylov svds FILE.mtx`.
 *
 * Exit codes: 0 success; 2 bad input (unknown option, bad value, missing, unreadable or
 * malformed file), with a one-line message on stderr; 1 an unexpected failure.
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { UsageError, flag, helpText, optStr, parseCommand } from "./args.js";
import type { Command } from "./command.js";
import { eigs } from "./commands/eigs.js";
import { hessian } from "./commands/hessian.js";
import { solve } from "./commands/solve.js";
import { svds } from "./commands/svds.js";
import { progress } from "./progress.js";
import { writeReport } from "./report.js";

const commands: readonly Command[] = [hessian, eigs, solve, svds];

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };
  return pkg.version;
}

function mainHelp(): string {
  const w = Math.max(...commands.map((c) => c.spec.usage.replace(/^krylov /, "").split(" [")[0]?.length ?? 0)) + 4;
  return [
    "Usage: krylov <command> [options]",
    "",
    "Matrix-free linear algebra on Hessians and sparse matrices (krylov-ts).",
    "",
    "Commands:",
    ...commands.map((c) => `  ${(c.spec.usage.replace(/^krylov /, "").split(" [")[0] ?? "").padEnd(w)}${c.spec.summary}`),
    "",
    "Options:",
    "  -h, --help      show this help (or a command's: krylov <command> --help)",
    "  -v, --version   print the version",
    "",
    "Examples:",
    "  krylov hessian --out krylov-report          Iris, tanh MLP 16,16: eigenvalues, trace, density, Newton step",
    "  krylov eigs gr_30_30.mtx -k 6 --which both  extreme eigenvalues of a Matrix Market file",
    "  krylov solve 494_bus.mtx --precond jacobi   solve A x = 1 by preconditioned CG",
    "  krylov svds well1033.mtx -k 10              largest singular values of any m×n file",
  ].join("\n");
}

/** Runs the command line `argv` (without `node` and the script); resolves to the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "-h" || name === "--help" || name === "help") {
    process.stdout.write(`${mainHelp()}\n`);
    return 0;
  }
  if (name === "-v" || name === "--version") {
    process.stdout.write(`${version()}\n`);
    return 0;
  }
  const command = commands.find((c) => c.spec.name === name);
  try {
    if (command === undefined) {
      throw new UsageError(
        name.startsWith("-")
          ? `krylov: unknown option '${name}' (see krylov --help)`
          : `krylov: unknown command '${name}' (commands: ${commands.map((c) => c.spec.name).join(", ")})`,
      );
    }
    const args = parseCommand(command.spec, rest);
    if (args.help) {
      process.stdout.write(`${helpText(command.spec)}\n`);
      return 0;
    }
    const bar = progress(!flag(args.values, "quiet"));
    let result: Awaited<ReturnType<typeof command.run>>;
    try {
      result = await command.run(args, bar);
    } finally {
      bar.stop(); // also on an error, so a terminal gets its cursor back
    }
    const json = `${JSON.stringify(result.report, null, 2)}\n`;
    const out = optStr(args.values, "out");
    let written: string | undefined;
    let names: string[] = [];
    if (out !== undefined) {
      const plots = await result.plots();
      names = ["report.json", ...plots.keys()];
      written = writeReport(out, new Map([["report.json", json], ...plots]));
    }
    if (flag(args.values, "json")) process.stdout.write(json);
    else process.stdout.write(`${result.text}\n`);
    if (written !== undefined) {
      (flag(args.values, "json") ? process.stderr : process.stdout).write(`\nReport written to ${written} (${names.join(", ")})\n`);
    }
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`${e.message}\n`);
      return 2;
    }
    process.stderr.write(`krylov ${name}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
