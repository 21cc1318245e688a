/**
 * The two plots of a report, written as vega-lite specifications, compiled to vega and
 * rendered to SVG headless (`renderer: 'none'`, no browser and no canvas).
 *
 * @module
 */
import type { TopLevelSpec } from "vega-lite";

/** A marked eigenvalue on the spectrum plot. */
export interface MarkedEigenvalue {
  readonly value: number;
  /** `largest` or `smallest` (the legend). */
  readonly kind: string;
}

/** One curve of the convergence plot. */
export interface ConvergenceSeries {
  /** Legend name (`cg`, `minres`, …). */
  readonly name: string;
  /** Residual norm after each iteration (or restart cycle); entry 0 is at x = `first`. */
  readonly residuals: readonly number[];
  /** The x value of entry 0: 0 (the initial residual, the default) or 1 (after the first cycle). */
  readonly first?: number;
}

const width = 560;
const height = 300;

/**
 * The spectral density (SLQ, Gaussian-smoothed) on a grid, on a logarithmic density axis, with
 * the extreme eigenvalues computed by Lanczos marked as vertical rules and points.
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
  // A log axis cannot show zeros: the curve is floored six decades below its peak.
  const floor = peak > 0 ? peak * 1e-6 : 1e-12;
  const curve = Array.from({ length: grid.length }, (_, i) => ({
    eigenvalue: grid[i] as number,
    density: Math.max(density[i] as number, floor),
  }));
  const rules = marks.map((m) => ({ eigenvalue: m.value, kind: m.kind, density: floor }));
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title,
    width,
    height,
    background: "white",
    layer: [
      {
        data: { values: curve },
        mark: { type: "area", line: true, opacity: 0.35, color: "#4c78a8" },
        encoding: {
          x: { field: "eigenvalue", type: "quantitative", title: "eigenvalue λ" },
          y: {
            field: "density",
            type: "quantitative",
            scale: { type: "log" },
            axis: { format: ".0e" },
            stack: null,
            title: "spectral density (SLQ)",
          },
        },
      },
      {
        data: { values: rules },
        mark: { type: "rule", strokeDash: [4, 3] },
        encoding: {
          x: { field: "eigenvalue", type: "quantitative" },
          color: { field: "kind", type: "nominal", title: "Lanczos", scale: { range: ["#e45756", "#54a24b"] } },
        },
      },
      {
        data: { values: rules },
        mark: { type: "point", filled: true, size: 60 },
        encoding: {
          x: { field: "eigenvalue", type: "quantitative" },
          y: { field: "density", type: "quantitative" },
          color: { field: "kind", type: "nominal" },
        },
      },
    ],
  };
}

/**
 * Residual norm against iteration, one line per series, on a logarithmic axis.
 *
 * @param xTitle - the x axis title (`iteration`, or `restart cycle` for Lanczos)
 */
export function convergenceSpec(title: string, series: readonly ConvergenceSeries[], xTitle = "iteration"): TopLevelSpec {
  const values = series.flatMap((s) =>
    s.residuals
      .map((r, i) => ({ iteration: i + (s.first ?? 0), residual: r, method: s.name }))
      .filter((p) => p.residual > 0 && Number.isFinite(p.residual)),
  );
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title,
    width,
    height,
    background: "white",
    data: { values },
    mark: { type: "line", point: true },
    encoding: {
      x: { field: "iteration", type: "quantitative", title: xTitle },
      y: {
        field: "residual",
        type: "quantitative",
        scale: { type: "log" },
        axis: { format: ".0e" },
        title: "residual norm ‖r‖",
      },
      color: { field: "method", type: "nominal", title: "method" },
    },
  };
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
