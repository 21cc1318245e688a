/**
 * The plots of a report, written as vega-lite specifications, compiled to vega and rendered to
 * SVG headless (`renderer: 'none'`, no browser and no canvas).
 *
 * Each plot answers one question a user asks of the run:
 * - spectrum: where does the spectrum live, and where are the extreme eigenvalues? (the SLQ
 *   density, and below it each computed eigenvalue on its own row, so that eigenvalues a
 *   thousand times smaller than the largest do not pile up on one point);
 * - convergence: did each solver reach its tolerance, and how fast? (the residual against the
 *   iteration with the tolerance drawn, and for Lanczos the number of locked pairs, which
 *   explains why the tracked residual jumps up when a pair locks and the next one is tracked).
 *
 * @module
 */
import type { TopLevelSpec } from "vega-lite";

/** A marked eigenvalue on the spectrum plot. */
export interface MarkedEigenvalue {
  readonly value: number;
  /** `largest` or `smallest` (the legend). */
  readonly kind: string;
  /** The row label (`λ1`, `λmin`, …); default the value's rank. */
  readonly label?: string;
}

/** One curve of a convergence panel. */
export interface ConvergenceSeries {
  /** Legend name (`cg`, `lanczos (largest)`, …). */
  readonly name: string;
  /** Residual norm after each iteration (or restart cycle); entry 0 is at x = `first`. */
  readonly residuals: readonly number[];
  /** The x value of entry 0: 0 (the initial residual, the default) or 1 (after the first cycle). */
  readonly first?: number;
  /** Pairs locked after each entry (Lanczos), drawn as a step line on a second axis. */
  readonly locked?: readonly number[];
}

/** One panel of a convergence plot. */
export interface ConvergencePanel {
  readonly title: string;
  readonly series: readonly ConvergenceSeries[];
  /** The x axis title (`iteration`, or `restart cycle` for Lanczos). Default `iteration`. */
  readonly xTitle?: string;
  /** The residual the solver had to reach, drawn as a horizontal rule with `targetLabel`. */
  readonly target?: number;
  readonly targetLabel?: string;
}

const width = 560;
const height = 260;
const schema = "https://vega.github.io/schema/vega-lite/v6.json";
/** Beyond this many points a series is drawn as a line alone: point marks would merge into a blob. */
const maxPointMarks = 60;
/** The density is drawn down to this fraction of its peak; below, the curve stops rather than running flat along the axis. */
const densityDecades = 1e-6;

/**
 * The spectral density (SLQ, Gaussian-smoothed) on a grid, on a logarithmic density axis, with
 * the extreme eigenvalues computed by Lanczos marked as rules, and below it one row per marked
 * eigenvalue with its value.
 *
 * @param grid - the eigenvalue grid
 * @param density - the density at each grid point
 * @param marks - the eigenvalues to mark
 */
export function spectrumSpec(
  title: string,
  grid: ArrayLike<number>,
  density: ArrayLike<number>,
  marks: readonly MarkedEigenvalue[],
): TopLevelSpec {
  let peak = 0;
  for (let i = 0; i < density.length; i++) peak = Math.max(peak, density[i] as number);
  const floor = peak > 0 ? peak * densityDecades : 1e-12;
  // Points under the floor are left out (null): the curve ends there instead of drawing a flat
  // line at the floor that would read as data.
  const curve = Array.from({ length: grid.length }, (_, i) => {
    const d = density[i] as number;
    return { eigenvalue: grid[i] as number, density: d >= floor ? d : null };
  });
  const colors = { domain: ["largest", "smallest"], range: ["#e45756", "#54a24b"] };
  const rows = marks.map((m, i) => ({ eigenvalue: m.value, kind: m.kind, label: m.label ?? `#${i + 1}`, text: formatValue(m.value) }));
  const x = { field: "eigenvalue", type: "quantitative" as const, title: "eigenvalue λ", scale: { nice: false } };
  return {
    $schema: schema,
    title,
    background: "white",
    config: { concat: { spacing: 24 } },
    vconcat: [
      {
        width,
        height,
        layer: [
          {
            data: { values: curve },
            mark: { type: "area", line: true, opacity: 0.35, color: "#4c78a8" },
            encoding: {
              x,
              y: {
                field: "density",
                type: "quantitative",
                scale: { type: "log", domainMin: floor },
                axis: { format: ".0e" },
                stack: null,
                title: "spectral density (SLQ)",
              },
            },
          },
          {
            data: { values: rows },
            mark: { type: "rule", strokeDash: [4, 3], opacity: 0.8 },
            encoding: {
              x: { field: "eigenvalue", type: "quantitative" },
              color: { field: "kind", type: "nominal", title: "Lanczos", scale: colors },
            },
          },
        ],
      },
      {
        width,
        title: { text: "Extreme eigenvalues by Lanczos (one row each)", fontSize: 12, anchor: "start" },
        data: { values: rows },
        encoding: {
          y: { field: "label", type: "nominal", sort: null, title: null },
        },
        layer: [
          {
            mark: { type: "point", filled: true, size: 70 },
            encoding: {
              x,
              color: { field: "kind", type: "nominal", title: "Lanczos", scale: colors },
            },
          },
          {
            mark: { type: "text", align: "left", dx: 8, fontSize: 11 },
            encoding: { x: { field: "eigenvalue", type: "quantitative" }, text: { field: "text" } },
          },
        ],
      },
    ],
    resolve: { scale: { x: "shared" } },
  };
}

/**
 * Residual norm against iteration, one line per series, on a logarithmic axis, with the target
 * residual as a rule; several panels are stacked. Series with locked-pair counts get a step line
 * of the count on a second axis.
 */
export function convergenceSpec(title: string, panels: readonly ConvergencePanel[]): TopLevelSpec {
  return {
    $schema: schema,
    title,
    background: "white",
    config: { concat: { spacing: 28 } },
    vconcat: panels.map((p) => convergencePanel(p)),
  };
}

function convergencePanel(panel: ConvergencePanel): NonNullable<Extract<TopLevelSpec, { vconcat: unknown }>["vconcat"]>[number] {
  const xTitle = panel.xTitle ?? "iteration";
  const values = panel.series.flatMap((s) =>
    s.residuals
      .map((r, i) => ({ iteration: i + (s.first ?? 0), residual: r, method: s.name }))
      .filter((p) => p.residual > 0 && Number.isFinite(p.residual)),
  );
  const locked = panel.series.flatMap((s) =>
    (s.locked ?? []).map((c, i) => ({ iteration: i + (s.first ?? 0), locked: c, method: s.name })),
  );
  const points = values.length <= maxPointMarks * Math.max(1, panel.series.length);
  const x = { field: "iteration", type: "quantitative" as const, title: xTitle };
  const residualLayer = {
    data: { values },
    mark: { type: "line" as const, point: points, strokeWidth: 1.5 },
    encoding: {
      x,
      y: {
        field: "residual",
        type: "quantitative" as const,
        scale: { type: "log" as const },
        axis: { format: ".0e" },
        title: "residual norm ‖r‖",
      },
      color: { field: "method", type: "nominal" as const, title: "method" },
    },
  };
  const layers: object[] = [residualLayer];
  if (panel.target !== undefined && panel.target > 0 && Number.isFinite(panel.target)) {
    const target = [{ target: panel.target, label: panel.targetLabel ?? "tolerance" }];
    layers.push(
      {
        data: { values: target },
        mark: { type: "rule", strokeDash: [6, 4], color: "#555" },
        encoding: { y: { field: "target", type: "quantitative" } },
      },
      {
        data: { values: target },
        mark: { type: "text", align: "right", baseline: "bottom", dy: -3, x: width, color: "#555", fontSize: 11 },
        encoding: { y: { field: "target", type: "quantitative" }, text: { field: "label" } },
      },
    );
  }
  const residualPanel = { layer: layers };
  if (locked.length === 0) return { width, height, title: { text: panel.title, fontSize: 12, anchor: "start" }, ...residualPanel } as never;
  return {
    width,
    height,
    title: { text: panel.title, fontSize: 12, anchor: "start" },
    layer: [
      residualPanel,
      {
        data: { values: locked },
        mark: { type: "line", interpolate: "step-after", strokeDash: [2, 2], opacity: 0.7 },
        encoding: {
          x,
          y: { field: "locked", type: "quantitative", title: "pairs locked (dotted)", axis: { orient: "right", tickMinStep: 1 } },
          color: { field: "method", type: "nominal" },
        },
      },
    ],
    resolve: { scale: { y: "independent" } },
  } as never;
}

function formatValue(v: number): string {
  if (v === 0) return "0";
  const a = Math.abs(v);
  return a >= 1e-3 && a < 1e5 ? String(Number(v.toPrecision(6))) : v.toExponential(4);
}

/**
 * Compiles a vega-lite specification and renders it to an SVG document, headless. vega and
 * vega-lite are loaded on first use, so runs that draw nothing do not pay for them.
 */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const [vega, vl] = await Promise.all([import("vega"), import("vega-lite")]);
  const compiled = vl.compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
