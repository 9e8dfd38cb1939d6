/**
 * `descent data mnist`: the four official MNIST files into the cache (or --dir), each checked
 * against its published SHA-256. The studies find them there without a flag.
 */
import { downloadMnist, type DownloadEvent } from "../data/download.node.ts";
import { mnistCacheDir } from "../data/mnist-cache.node.ts";
import { MNIST_MIRROR } from "../data/mnist-files.ts";
import type { CommandSpec } from "./args.ts";
import { OUTPUT_OPTIONS } from "./commands.ts";

export const DATA_SPEC: CommandSpec = {
  name: "data",
  summary: `Downloads a dataset's official files, verified by their published SHA-256 (a broken download resumes on the next run). mnist: the 60,000 / 10,000 digits, into --dir (default ${"$XDG_CACHE_HOME/descent/mnist, else ~/.cache/descent/mnist"}), where the studies find them without a flag.`,
  positionals: [{ name: "dataset", help: "the dataset", choices: ["mnist"] }],
  options: [
    { name: "dir", type: "string", help: "where to put the files (default: the cache the studies look in)" },
    {
      name: "url",
      type: "string",
      help: "the base URL to download from (any mirror of the same files: the digests are checked)",
      default: MNIST_MIRROR,
    },
    ...OUTPUT_OPTIONS.filter((o) => o.name !== "config"),
  ],
};

export interface DataSummary {
  dataset: "mnist";
  dir: string;
  files: string[];
  downloaded: string[];
}

export async function dataCommand(
  o: { dir?: string; url: string },
  onEvent: (e: DownloadEvent) => void,
  signal?: AbortSignal,
): Promise<DataSummary> {
  const dir = o.dir ?? mnistCacheDir();
  const { paths, downloaded } = await downloadMnist(dir, { baseUrl: o.url, onEvent, signal });
  return { dataset: "mnist", dir, files: paths, downloaded };
}

/** One line per event worth a line: progress at most every `everyMs` per file. */
export function downloadLog(
  write: (s: string) => void,
  everyMs = 2000,
  now = () => performance.now(),
): (e: DownloadEvent) => void {
  const last = new Map<string, number>();
  const mb = (b: number) => (b / 1e6).toFixed(1);
  return (e) => {
    switch (e.type) {
      case "present":
        write(`${e.path}: already there, SHA-256 verified\n`);
        break;
      case "deleted":
        write(`${e.path}: deleted (${e.reason})\n`);
        break;
      case "request":
        write(`${e.url}${e.from > 0 ? ` (resuming at byte ${e.from})` : ""}\n`);
        break;
      case "retry":
        write(`  ${e.reason}; trying again\n`);
        break;
      case "done":
        write(`${e.path}: ${mb(e.bytes)} MB, SHA-256 verified\n`);
        break;
      case "progress": {
        const t = now();
        if (t - (last.get(e.path) ?? -Infinity) < everyMs) break;
        last.set(e.path, t);
        write(`  ${mb(e.bytes)}${e.total === null ? "" : ` of ${mb(e.total)}`} MB\n`);
      }
    }
  };
}
