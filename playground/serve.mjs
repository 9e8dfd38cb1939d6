/**
 * npm run playground: a tiny static server for the playground. "/" is playground/index.html,
 * /dist/... comes from dist/, everything else from playground/. Port: PORT, default 8080
 * (0 picks a free one). Prints the address. Also exported for the browser test.
 *
 * Every response carries the cross-origin isolation headers: browsers give a page (and its workers,
 * whose scripts need the headers too) SharedArrayBuffer only then, and the engine's threads need it.
 */
import { createReadStream, statSync } from "node:fs";
import { createServer } from "node:http";
import { dirname, extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
/** Cross-origin isolation: COOP and COEP make the page isolated; CORP lets it embed our own files under COEP. */
const ISOLATION = {
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-embedder-policy": "require-corp",
  "cross-origin-resource-policy": "same-origin",
};
const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".bin": "application/octet-stream",
  ".png": "image/png",
};

/** Maps a URL path to a file under playground/ or dist/, or null if it would leave them. */
function fileFor(urlPath) {
  const path = decodeURIComponent(urlPath.split("?")[0]);
  const [base, rest] = path.startsWith("/dist/")
    ? [join(root, "dist"), path.slice(6)]
    : [join(root, "playground"), path === "/" ? "index.html" : path.slice(1)];
  const file = normalize(join(base, rest));
  return file.startsWith(base + sep) ? file : null;
}

export function startServer(port = Number(process.env.PORT ?? 8080)) {
  const server = createServer((req, res) => {
    let file = null;
    try {
      file = fileFor(req.url ?? "/");
    } catch {
      /* a malformed %-escape: 404 below */
    }
    let size = -1;
    try {
      if (file && statSync(file).isFile()) size = statSync(file).size;
    } catch {
      /* missing: 404 below */
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, ISOLATION).end();
      return;
    }
    if (size < 0) {
      res.writeHead(404, { ...ISOLATION, "content-type": "text/plain" }).end(`not found: ${req.url}\n`);
      return;
    }
    res.writeHead(200, {
      ...ISOLATION,
      "content-type": TYPES[extname(file)] ?? "application/octet-stream",
      "content-length": size,
      "cache-control": "no-store",
    });
    if (req.method === "HEAD") res.end();
    else createReadStream(file).pipe(res);
  });
  return new Promise((ok, fail) => {
    server.once("error", fail);
    server.listen(port, "127.0.0.1", () => ok({ server, url: `http://127.0.0.1:${server.address().port}/` }));
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { url } = await startServer();
  console.log(`descent playground: ${url}  (Ctrl-C to stop)`);
}
