// A module Web Worker running the bundled trajectory.
import { trajectory } from "./adam-only.bundle.mjs";
postMessage(trajectory());
