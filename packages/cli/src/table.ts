/**
 * Plain-text output: aligned tables and number formatting for stdout.
 *
 * @module
 */

/** Formats a number for a table: 6 significant digits, exponent form when very large or small. */
export function fmt(x: number, digits = 6): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return "0";
  const a = Math.abs(x);
  if (a >= 1e6 || a < 1e-4) return x.toExponential(digits - 1).replace(/\.?0+e/, "e");
  return Number(x.toPrecision(digits)).toString();
}

/**
 * An aligned table: a header row, a rule, then the rows; numbers-looking cells are
 * right-aligned, text left-aligned.
 */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, j) => Math.max(h.length, ...rows.map((r) => (r[j] ?? "").length)));
  const numeric = header.map((_, j) => rows.length > 0 && rows.every((r) => /^[-+−]?[\d.]/.test(r[j] ?? "") || (r[j] ?? "") === ""));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, j) => (numeric[j] ? c.padStart(widths[j] as number) : c.padEnd(widths[j] as number)))
      .join("  ")
      .trimEnd();
  return [line(header), widths.map((w) => "─".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

/** Key/value lines, keys padded to one width. */
export function keyValues(pairs: readonly (readonly [string, string])[]): string {
  const w = Math.max(...pairs.map(([k]) => k.length));
  return pairs.map(([k, v]) => `${k.padEnd(w)}  ${v}`).join("\n");
}
