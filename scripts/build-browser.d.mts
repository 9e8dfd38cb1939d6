// Types for build-browser.mjs, for the TypeScript tests that import it.
export declare const CORE_BUDGET_BYTES: number;
export interface BrowserBuildSizes {
  core: number;
  coreGzip: number;
  wasm: number;
  digits: number;
}
export declare function buildBrowser(options?: { log?: (line: string) => void }): Promise<BrowserBuildSizes>;
