/**
 * @krylov-ts/cli — the `krylov` command (bin/krylov.js → src/main.ts), and the pieces it is
 * built from, for use in scripts: the data sets, the MLP over a flat parameter vector, Adam
 * training on autodiff gradients, and the vega-lite plots rendered to SVG.
 *
 * @module @krylov-ts/cli
 */
export { loadDataset, iris, spirals, parseCsv, type Dataset, type DataOptions } from "./data.js";
export {
  layout,
  lossFunction,
  initialParams,
  predict,
  accuracy,
  type MlpSpec,
  type LayerLayout,
  type Activation,
  type Loss,
} from "./model.js";
export { train, type TrainOptions, type TrainResult } from "./train.js";
export { densityGrid, sortedPairs, type EigenPair } from "./spectrum.js";
export { mnist } from "./mnist.js";
export { cnn, cnnLoss, cnnHessian, cnnGradient, cnnAccuracy } from "./cnn.js";
export { spectrumSpec, convergenceSpec, renderSvg, type MarkedEigenvalue, type ConvergenceSeries } from "./plots.js";
