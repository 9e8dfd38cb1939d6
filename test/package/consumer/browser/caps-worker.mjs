// A module Web Worker reporting what it gets.
import { capabilities } from "./core.bundle.mjs";
postMessage(capabilities());
