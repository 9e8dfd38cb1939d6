// `npm run bench [-- [--quick] [suite ...]]`: runs the named suites (all when none is named),
// prints a table per suite and writes bench/results/<suite>.json.
import { adamSuite } from "./adam.ts";
import { browserSuite } from "./browser.ts";
import { ceilingSuite } from "./ceiling.ts";
import { composedSuite } from "./composed.ts";
import { elementwiseSuite } from "./elementwise.ts";
import { elementwiseRelaxedSuite } from "./elementwise-relaxed.ts";
import { gemmSuite } from "./gemm.ts";
import { gemmMtSuite } from "./gemm-mt.ts";
import { gemmRelaxedSuite } from "./gemm-relaxed.ts";
import { hvpSuite } from "./hvp.ts";
import { landscapeSuite } from "./landscape.ts";
import { memorySuite } from "./memory.ts";
import { optimizersSuite } from "./optimizers.ts";
import { soakSuite } from "./soak.ts";
import { startupSuite } from "./startup.ts";
import { studySuite } from "./study.ts";
import { threadsSuite } from "./threads.ts";
import { trainSuite } from "./train.ts";
import { environment, formatTable, writeResult, type Suite } from "./lib.ts";

const SUITES: Suite[] = [
  ceilingSuite,
  gemmSuite,
  gemmRelaxedSuite,
  gemmMtSuite,
  memorySuite,
  elementwiseSuite,
  elementwiseRelaxedSuite,
  trainSuite,
  threadsSuite,
  adamSuite,
  optimizersSuite,
  composedSuite,
  hvpSuite,
  startupSuite,
  soakSuite,
  studySuite,
  landscapeSuite,
  browserSuite,
];

const args = process.argv.slice(2);
const quick = args.includes("--quick");
const names = args.filter((a) => !a.startsWith("--"));
const unknown = names.filter((n) => !SUITES.some((s) => s.name === n));
if (unknown.length > 0 || args.includes("--help")) {
  const list = SUITES.map((s) => `  ${s.name.padEnd(12)} ${s.about}`).join("\n");
  console.error(
    `${unknown.length ? `unknown suite(s): ${unknown.join(", ")}\n` : ""}usage: npm run bench -- [--quick] [suite ...]\n${list}`,
  );
  process.exit(unknown.length ? 1 : 0);
}
const chosen = names.length ? SUITES.filter((s) => names.includes(s.name)) : SUITES;

const opts = { quick };
const env = environment(opts);
console.log(
  `# ${env.cpu}, ${env.cores} cores, Node ${env.node} (V8 ${env.v8}), load average ${env.loadAverage}${quick ? ", --quick" : ""}\n`,
);
const start = performance.now();
for (const suite of chosen) {
  const t0 = performance.now();
  const result = await suite.run(opts);
  console.log(formatTable(result));
  const path = writeResult(suite.name, result, opts);
  console.log(`  (${((performance.now() - t0) / 1000).toFixed(1)} s, written to ${path})\n`);
}
console.log(
  `# total ${((performance.now() - start) / 1000).toFixed(1)} s, load average now ${environment(opts).loadAverage}`,
);
