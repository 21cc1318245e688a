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
}

/** A subcommand. */
export interface Command {
  readonly spec: CommandSpec;
  run(args: Parsed, bar: Progress): Promise<CommandResult>;
}
