/**
 * Command-line options: one declarative table per subcommand, parsed with `node:util`
 * `parseArgs` and turned into `--help` text, so every option is documented with its default in
 * exactly one place.
 *
 * @module
 */
import { parseArgs } from "node:util";

/**
 * An error in what the user gave (an unknown option, a bad value, a missing or malformed
 * file): the command prints its one-line message and exits with code 2.
 */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** One option of a subcommand. */
export interface OptionSpec {
  /** The long name, without dashes (`hidden` for `--hidden`). */
  readonly name: string;
  /** A one-letter alias (`k` for `-k`). */
  readonly short?: string;
  /** `boolean` options are flags; every other kind takes a value. */
  readonly kind: "string" | "number" | "integer" | "boolean" | "choice" | "list";
  /** The allowed values of a `choice`. */
  readonly choices?: readonly string[];
  /** The default as the user would type it; `undefined` means "not set". */
  readonly default?: string;
  /** The value's placeholder in the help (`N`, `DIR`, …). */
  readonly meta?: string;
  /** What the option does (one or two short lines). */
  readonly help: string;
  /** Smallest allowed value of a `number` or `integer` (inclusive unless `exclusiveMin`). */
  readonly min?: number;
  readonly exclusiveMin?: boolean;
}

/** A subcommand: its name, synopsis, summary, positional argument and options. */
export interface CommandSpec {
  readonly name: string;
  readonly usage: string;
  readonly summary: string;
  /** Name of the one positional argument (`FILE.mtx`), when the command takes one. */
  readonly positional?: string;
  readonly options: readonly OptionSpec[];
  /** Lines printed after the options (examples). */
  readonly epilog?: readonly string[];
}

/** Parsed option values: numbers, strings, booleans and number lists, keyed by long name. */
export type OptionValues = Readonly<Record<string, string | number | boolean | number[] | undefined>>;

/** What `parseCommand` returns. */
export interface Parsed {
  readonly values: OptionValues;
  readonly positional: string | undefined;
  readonly help: boolean;
}

/** The options every subcommand shares (output, memory budget and progress). */
export const commonOptions: readonly OptionSpec[] = [
  { name: "max-memory", kind: "number", default: "2", min: 0, exclusiveMin: true, meta: "GiB", help: "memory budget in GiB (2³⁰ bytes): a file or model whose declared size would need more is refused before anything is computed" },
  { name: "out", kind: "string", meta: "DIR", help: "write report.json and the SVG plots as folder DIR, whole or not at all (built beside it, then swapped in); an existing DIR is replaced, but refused if it holds files other than report.json, spectrum.svg, convergence.svg" },
  { name: "json", kind: "boolean", help: "print the report as JSON on stdout instead of tables" },
  { name: "quiet", short: "q", kind: "boolean", help: "no progress bars (they are drawn on stderr only when it is a terminal)" },
  { name: "help", short: "h", kind: "boolean", help: "show this help" },
];

/**
 * Parses `argv` (the arguments after the subcommand) against `spec`; throws `UsageError` for an
 * unknown option, a missing value, a value of the wrong kind or a surplus argument.
 */
export function parseCommand(spec: CommandSpec, argv: readonly string[]): Parsed {
  const all = [...spec.options, ...commonOptions];
  const config: Record<string, { type: "string" | "boolean"; short?: string }> = {};
  for (const o of all) {
    config[o.name] = o.short === undefined
      ? { type: o.kind === "boolean" ? "boolean" : "string" }
      : { type: o.kind === "boolean" ? "boolean" : "string", short: o.short };
  }
  let raw: { values: Record<string, string | boolean | (string | boolean)[] | undefined>; positionals: string[] };
  try {
    raw = parseArgs({ args: attachValues(all, argv), options: config, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError(`krylov ${spec.name}: ${describeParseError(e)} (see krylov ${spec.name} --help)`);
  }
  const help = raw.values["help"] === true;
  if (raw.positionals.length > (spec.positional === undefined ? 0 : 1)) {
    const extra = raw.positionals[spec.positional === undefined ? 0 : 1];
    throw new UsageError(`krylov ${spec.name}: unexpected argument '${extra}' (see krylov ${spec.name} --help)`);
  }
  const values: Record<string, string | number | boolean | number[] | undefined> = {};
  for (const o of all) {
    const given = raw.values[o.name];
    if (o.kind === "boolean") {
      values[o.name] = given === true;
      continue;
    }
    const text = typeof given === "string" ? given : o.default;
    values[o.name] = text === undefined ? undefined : convert(spec.name, o, text);
  }
  return { values, positional: raw.positionals[0], help };
}

/** A token that is a number, not an option: `-1`, `-.5`, `-1e-3`, `-Infinity`. */
const NEGATIVE_NUMBER = /^-(?:\d|\.\d|Infinity$|NaN$)/;

/**
 * Rewrites the options that take a value into the one-token form `--name=value`, so that
 * `--tol -1` and `-k -1` read the value -1 (`parseArgs` takes a token starting with `-` for an
 * option and calls the value ambiguous) and `-k=-1` reads -1 rather than "=-1"; the range
 * check of the option then refuses what is out of range. Tokens after `--` are left alone.
 */
function attachValues(options: readonly OptionSpec[], argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === "--") {
      out.push(...argv.slice(i));
      break;
    }
    const long = /^--([^=]+)$/.exec(a);
    const short = /^-([^-=])(=(.*))?$/s.exec(a);
    const o = long !== null
      ? options.find((x) => x.name === long[1])
      : short !== null ? options.find((x) => x.short === short[1]) : undefined;
    if (o === undefined || o.kind === "boolean") {
      out.push(a);
    } else if (short !== null && short[2] !== undefined) {
      out.push(`--${o.name}=${short[3] ?? ""}`);
    } else if (i + 1 < argv.length && NEGATIVE_NUMBER.test(argv[i + 1] as string)) {
      out.push(`--${o.name}=${argv[i + 1] as string}`);
      i++;
    } else {
      out.push(a);
    }
  }
  return out;
}

function describeParseError(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  const unknown = /Unknown option '([^']+)'/.exec(msg);
  if (unknown) return `unknown option '${unknown[1]}'`;
  const missing = /Option '([^']+)' argument missing/.exec(msg);
  if (missing) return `option '${missing[1]?.replace(/^-\w, /, "")}' needs a value`;
  return (msg.split("\n")[0] ?? msg).replace(/\.$/, "");
}

function convert(command: string, o: OptionSpec, text: string): string | number | number[] {
  const where = `krylov ${command}: --${o.name}`;
  switch (o.kind) {
    case "string":
      return text;
    case "choice":
      if (!(o.choices ?? []).includes(text)) {
        throw new UsageError(`${where} must be one of ${(o.choices ?? []).join(", ")}, got '${text}'`);
      }
      return text;
    case "number":
    case "integer": {
      const v = Number(text);
      if (text.trim() === "" || !Number.isFinite(v) || (o.kind === "integer" && !Number.isInteger(v))) {
        throw new UsageError(`${where} must be ${o.kind === "integer" ? "an integer" : "a number"}, got '${text}'`);
      }
      checkMin(where, o, v);
      return v;
    }
    case "list": {
      const parts = text.split(",").map((s) => s.trim());
      const out = parts.map((p) => Number(p));
      if (parts.some((p) => p === "") || out.some((v) => !Number.isInteger(v) || v < 1)) {
        throw new UsageError(`${where} must be a comma-separated list of positive integers, got '${text}'`);
      }
      return out;
    }
    default:
      throw new UsageError(`${where}: unsupported option kind`);
  }
}

function checkMin(where: string, o: OptionSpec, v: number): void {
  if (o.min === undefined) return;
  if (o.exclusiveMin === true ? v <= o.min : v < o.min) {
    throw new UsageError(`${where} must be ${o.exclusiveMin === true ? ">" : "≥"} ${o.min}, got ${v}`);
  }
}

/** The `--help` text of a subcommand: synopsis, summary, and every option with its default. */
export function helpText(spec: CommandSpec): string {
  const rows = [...spec.options, ...commonOptions].map((o) => {
    const flag = `${o.short === undefined ? "    " : `-${o.short}, `}--${o.name}`;
    const placeholder = o.kind === "choice" ? (o.choices ?? []).join("|") : o.kind === "integer" ? "N" : o.kind === "number" ? "X" : "VALUE";
    const value = o.kind === "boolean" ? "" : ` ${o.meta ?? placeholder}`;
    const dflt = o.kind === "boolean" ? "" : o.default === undefined ? " (default: none)" : ` (default: ${o.default})`;
    return { left: `  ${flag}${value}`, right: `${o.help}${dflt}` };
  });
  const width = Math.min(34, Math.max(...rows.map((r) => r.left.length)) + 2);
  const lines = [`Usage: ${spec.usage}`, "", spec.summary, "", "Options:"];
  for (const r of rows) {
    if (r.left.length + 1 > width) lines.push(r.left, `${" ".repeat(width)}${r.right}`);
    else lines.push(`${r.left.padEnd(width)}${r.right}`);
  }
  if (spec.epilog !== undefined) lines.push("", ...spec.epilog);
  return lines.join("\n");
}

/**
 * `s` with control characters (C0 but tab and, when `keepNewlines`, line feed; DEL; C1) escaped
 * JSON-style (`\u001b`), so that a file name, a token of a file or an argument cannot drive the
 * terminal when a message echoes it.
 */
export function printable(s: string, keepNewlines = false): string {
  return s.replace(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g, (c) =>
    keepNewlines && c === "\n" ? c : `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/** The `--max-memory` budget in bytes. */
export function memoryBudget(v: OptionValues): number {
  return Math.round((v["max-memory"] as number) * 2 ** 30);
}

/** Typed readers of parsed values (the table guarantees the kind). */
export function num(v: OptionValues, name: string): number {
  return v[name] as number;
}
export function str(v: OptionValues, name: string): string {
  return v[name] as string;
}
export function optStr(v: OptionValues, name: string): string | undefined {
  return v[name] as string | undefined;
}
export function flag(v: OptionValues, name: string): boolean {
  return v[name] === true;
}
export function list(v: OptionValues, name: string): number[] {
  return v[name] as number[];
}
