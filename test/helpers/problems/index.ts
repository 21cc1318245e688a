/**
 * The shared test problem generators (as Krylov.jl's test/get_div_grad.jl and friends):
 * one file per family. Non-symmetric: convection–diffusion 2-D/3-D, 2×2 rotation blocks with
 * known complex eigenvalues, small random dense matrices with their dense references.
 * Least squares: rectangular problems of known SVD and minimum-norm solution.
 */
export * from "./convection-diffusion.js";
export * from "./rotations.js";
export * from "./nonsymmetric.js";
export * from "./least-squares.js";
export * from "./matrix-market.js";
export * from "./jacobians.js";
