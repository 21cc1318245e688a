/**
 * What a subcommand is to `main`: its option table and a `run` that computes everything
 * (report, text, plots) before anything is written, so a failure leaves no output behind.
 *
 * @module
 */
import type { CommandSpec, Parsed } from "./args.js";
import type { Progress } from "./progress.js";

/** The outcome of a subcommand, printed or written by `main`. */
export interface CommandResult {
  /** The report (written as report.json, printed by `--json`). */
  readonly report: Readonly<Record<string, unknown>>;
  /** The human-readable tables for stdout. */
  readonly text: string;
  /** Draws the SVG files by name (`spectrum.svg`, `convergence.svg`); called only for `--out`. */
  readonly plots: () => Promise<ReadonlyMap<string, string>>;
  /**
   * One line for each solver run that did not meet its tolerance (`lanczos: status
   * maxIterations (reason)`); when there is any, `main` prints them on stderr after the
   * report and exits 3.
   */
  readonly unconverged: readonly string[];
}

/** A subcommand. */
export interface Command {
  readonly spec: CommandSpec;
  run(args: Parsed, bar: Progress): Promise<CommandResult>;
}

/**
 * The `unconverged` line of a solver run whose stats say it did not converge (none when it
 * did): its name, its status and the reason the solver gave in `stats.message`.
 */
export function unconvergedLine(run: string, stats: { converged: boolean; status: string; message?: string | undefined }): string[] {
  return stats.converged ? [] : [`${run}: status ${stats.status}${stats.message === undefined ? "" : ` (${stats.message})`}`];
}
