/**
 * Stands in for the Node built-ins that @krylov-ts/cli's modules import for the command line
 * (reading files, parsing argv): the page bundles those modules for their data sets, model and
 * training, and never calls these.
 *
 * @module
 */
function unavailable(name: string): never {
  throw new Error(`${name} is not available in the browser`);
}
export const readFileSync = (): never => unavailable("fs.readFileSync");
export const parseArgs = (): never => unavailable("util.parseArgs");
