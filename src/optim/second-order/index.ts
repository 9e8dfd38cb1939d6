export { type Objective, tensorObjective } from "./objective.ts";
export { Minimizer, type MinimizerState } from "./minimizer.ts";
export { strongWolfe, type WolfeOptions } from "./line-search.ts";
export { Lbfgs, type LbfgsOptions } from "./lbfgs.ts";
export { NonlinearCG, type CgFormula } from "./nonlinear-cg.ts";
export { Newton, type NewtonOptions } from "./newton.ts";
export { NewtonCG, type NewtonCgOptions } from "./newton-cg.ts";
export { AdaHessian, type AdaHessianOptions } from "./adahessian.ts";
export { Sophia, hutchinsonDiagonal, type SophiaOptions } from "./sophia.ts";
