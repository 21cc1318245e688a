/**
 * The `krylov` command: `krylov hessian`, `krylov eigs FILE.mtx`, `krylov solve FILE.mtx`, `krylov svds FILE.mtx`.
 *
 * Exit codes: 0 success; 2 bad input (no command, unknown option, bad value, missing,
 * unreadable, malformed or too large file, an unwritable `--out`), with a one-line message on
 * stderr, before anything is computed; 3 a solver did not converge (the report is printed and
 * written all the same; stderr names each run, its status and the reason); 130 and 143
 * SIGINT and SIGTERM while the report was written (nothing is left behind); 1 an unexpected
 * failure. Every message has its control characters escaped (`\u001b`).
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { UsageError, flag, helpText, optStr, parseCommand, printable } from "./args.js";
import type { Command } from "./command.js";
import { eigs } from "./commands/eigs.js";
import { hessian } from "./commands/hessian.js";
import { solve } from "./commands/solve.js";
import { svds } from "./commands/svds.js";
import { progress } from "./progress.js";
import { Interrupted, checkOut, writeReport } from "./report.js";

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

/** The exit codes of `krylov` (documented in docs/cli.md). */
export const exitCodes = { ok: 0, failure: 1, usage: 2, unconverged: 3 } as const;

/** Runs the command line `argv` (without `node` and the script); resolves to the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    process.stderr.write(`${mainHelp()}\n`);
    return exitCodes.usage;
  }
  if (name === "-h" || name === "--help" || name === "help") {
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
    const out = optStr(args.values, "out");
    if (out !== undefined) checkOut(out);
    const bar = progress(!flag(args.values, "quiet"));
    let result: Awaited<ReturnType<typeof command.run>>;
    try {
      result = await command.run(args, bar);
    } finally {
      bar.stop(); // also on an error, so a terminal gets its cursor back
    }
    const json = `${JSON.stringify(result.report, null, 2)}\n`;
    let written: string | undefined;
    let names: string[] = [];
    if (out !== undefined) {
      const plots = await result.plots();
      names = ["report.json", ...plots.keys()];
      written = await writeReport(out, new Map([["report.json", json], ...plots]));
    }
    if (flag(args.values, "json")) process.stdout.write(json);
    else process.stdout.write(`${printable(result.text, true)}\n`);
    if (written !== undefined) {
      (flag(args.values, "json") ? process.stderr : process.stdout).write(`\nReport written to ${printable(written)} (${names.join(", ")})\n`);
    }
    if (result.unconverged.length > 0) {
      for (const line of result.unconverged) process.stderr.write(`krylov ${name}: not converged: ${printable(line)}\n`);
      return exitCodes.unconverged;
    }
    return exitCodes.ok;
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`${printable(e.message)}\n`);
      return exitCodes.usage;
    }
    if (e instanceof Interrupted) {
      process.stderr.write(`krylov ${printable(name)}: ${e.message} while writing the report; nothing was written\n`);
      return e.exitCode;
    }
    process.stderr.write(`krylov ${printable(name)}: ${printable(e instanceof Error ? (e.stack ?? e.message) : String(e), true)}\n`);
    return exitCodes.failure;
  }
}

process.exitCode = await main(process.argv.slice(2));
