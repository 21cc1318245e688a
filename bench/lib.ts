/**
 * Shared helpers of the benchmark suites: run cases side by side with benchmark.js and print
 * a table of medians and ratios.
 */
import Benchmark from "benchmark";

/** A short development run: `npm run bench -- --quick …` or KRYLOV_BENCH_QUICK=1. */
export const QUICK = process.env.KRYLOV_BENCH_QUICK === "1" || process.argv.includes("--quick");

/** One line of the closing table of `npm run bench`: an issue target, its figure, met or not. */
export interface TargetLine {
  target: string;
  figure: string;
  met: "yes" | "no" | "not measured";
}

/** The targets the suites of this run have measured, printed together by bench/run.ts at the end. */
export const targets: TargetLine[] = [];

/** Records a target's figure for the closing table (`met` undefined: not measured, say why in `figure`). */
export function reportTarget(target: string, figure: string, met: boolean | undefined): void {
  targets.push({ target, figure, met: met === undefined ? "not measured" : met ? "yes" : "no" });
}

/** One case: a name and a synchronous function timed by benchmark.js. */
export interface Case {
  name: string;
  fn: () => void;
}

/** One row of a printed table. */
export interface Row {
  name: string;
  medianMs: number;
  rme: number;
  samples: number;
}

/**
 * Runs the cases in interleaved rounds (case 1, case 2, …, case 1, case 2, …) so that a burst
 * of load on the shared machine hits every case alike. In each round benchmark.js times each
 * case (its calibrated clock, as many calls per sample as the timer's resolution needs, at most
 * `maxTime` seconds); the samples of the warm-up rounds are dropped and the rest give the
 * median and the median absolute deviation (reported as `rme`, in % of the median).
 *
 * @param title - when given, the table is printed under this heading
 */
export function interleaved(
  title: string | undefined,
  cases: readonly Case[],
  options: { rounds?: number; warmup?: number; maxTime?: number } = {},
): Row[] {
  const rounds = options.rounds ?? 30;
  const warmup = options.warmup ?? 3;
  const maxTime = options.maxTime ?? 0.05;
  const times = cases.map(() => [] as number[]);
  for (let r = 0; r < warmup + rounds; r++) {
    cases.forEach((c, i) => {
      const s = sampleCase(c, maxTime);
      if (r >= warmup) (times[i] as number[]).push(...s);
    });
  }
  const rows = cases.map((c, i) => {
    const t = times[i] as number[];
    const m = median(t);
    const mad = median(t.map((v) => Math.abs(v - m)));
    return { name: c.name, medianMs: m, rme: (100 * mad) / m, samples: t.length };
  });
  if (title !== undefined) printTable(title, rows);
  return rows;
}

/**
 * One benchmark.js run of a case (its calibrated clock, as many calls per sample as the timer's
 * resolution needs, at most `maxTime` seconds): the per-call times of its samples in ms.
 */
export function sampleCase(c: Case, maxTime: number): number[] {
  const b = new Benchmark(c.name, c.fn, { maxTime, minSamples: 1, initCount: 1 });
  b.run({ async: false });
  if (b.error) throw b.error;
  return b.stats.sample.map((s) => s * 1e3);
}

/**
 * Times an async `fn` `runs` times (after `warmup` untimed runs) and returns the median in ms
 * (for cases benchmark.js cannot time synchronously, such as tfjs's `await data()`).
 */
export async function timeMedianAsync(fn: () => Promise<void>, runs = 5, warmup = 1): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn();
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const s = process.hrtime.bigint();
    await fn();
    t.push(Number(process.hrtime.bigint() - s) / 1e6);
  }
  return median(t);
}

/** The median of a list of numbers. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/** Prints rows as a Markdown table with each median's ratio to the first row's. */
export function printTable(title: string, rows: readonly Row[]): void {
  const base = rows[0]?.medianMs ?? 1;
  console.log(`\n### ${title}\n`);
  console.log("| case | median (ms) | ± % | samples | time / first |");
  console.log("|---|---:|---:|---:|---:|");
  for (const r of rows) {
    console.log(`| ${r.name} | ${fmt(r.medianMs)} | ${r.rme.toFixed(1)} | ${r.samples} | ${(r.medianMs / base).toFixed(2)} |`);
  }
}

/** A number with about four significant digits. */
export function fmt(x: number): string {
  if (x === 0) return "0";
  const a = Math.abs(x);
  if (a >= 1000) return x.toFixed(0);
  if (a >= 1) return x.toPrecision(4);
  return x.toPrecision(3);
}
