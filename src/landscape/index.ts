// 2-D test functions and optimizer trajectories over them: portable, shared by the playground and the CLI.
export * from "./functions.ts";
export * from "./trajectory.ts";
export * from "./diagnostics.ts";
