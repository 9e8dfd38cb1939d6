/**
 * One self-contained HTML report: inline CSS, SVG charts inline, no scripts and no external
 * resources, so it opens offline and can be mailed as a single file. The output is also
 * well-formed XML (void elements self-closed), which the tests check.
 */
import { markdownToHtml } from "./markdown.ts";
import { cellText, resolveColumns, type Table } from "./table.ts";
import { escapeXml as escape } from "./svg/xml.ts";

export interface ReportTable extends Table {
  caption?: string;
}

export interface ReportSection {
  heading: string;
  markdown?: string;
  tables?: readonly ReportTable[];
  /** SVG documents as returned by the chart functions. */
  svgs?: readonly string[];
}

export interface ReportSpec {
  title: string;
  sections: readonly ReportSection[];
  /** The run's configuration, shown as JSON at the end so the report says how it was made. */
  config?: unknown;
}

const CSS = `
body { font-family: Helvetica, Arial, sans-serif; max-width: 1040px; margin: 2em auto; padding: 0 1em; color: #222; line-height: 1.45; }
h1 { border-bottom: 2px solid #0072B2; padding-bottom: .2em; }
h2 { margin-top: 2em; border-bottom: 1px solid #ddd; }
nav ol { columns: 2; }
table { border-collapse: collapse; margin: 1em 0; font-variant-numeric: tabular-nums; }
th, td { border: 1px solid #ccc; padding: .3em .7em; }
th { background: #f3f5f7; }
caption { caption-side: top; text-align: left; font-weight: bold; padding: .3em 0; }
figure { margin: 1em 0; }
figure svg { max-width: 100%; height: auto; }
pre { background: #f6f8fa; padding: .8em; overflow-x: auto; font-size: 90%; }
code { font-family: Menlo, Consolas, monospace; }
`;

export function htmlTable(t: ReportTable): string {
  const columns = resolveColumns(t);
  const style = (j: number) => ` style="text-align:${columns[j].align}"`;
  const head = columns.map((c, j) => `<th${style(j)}>${escape(c.header)}</th>`).join("");
  const body = t.rows
    .map((r) => `<tr>${r.map((v, j) => `<td${style(j)}>${escape(cellText(v, columns[j]))}</td>`).join("")}</tr>`)
    .join("\n");
  const caption = t.caption ? `<caption>${escape(t.caption)}</caption>` : "";
  return `<table>${caption}<thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

/** An SVG document ready to inline: any XML declaration or doctype dropped; anything not an <svg> refused. */
function inlineSvg(svg: string, where: string): string {
  const body = svg
    .replace(/^\s*<\?xml[^>]*\?>\s*/, "")
    .replace(/^\s*<!DOCTYPE[^>]*>\s*/i, "")
    .trim();
  if (!body.startsWith("<svg") || !body.endsWith("</svg>"))
    throw new RangeError(`htmlReport: ${where} is not an <svg> document`);
  if (/<script|\son\w+\s*=/i.test(body)) throw new RangeError(`htmlReport: ${where} contains script`);
  return body;
}

export function htmlReport(spec: ReportSpec): string {
  const sections = spec.sections.map((s, k) => {
    const parts = [`<section id="s${k + 1}">`, `<h2>${escape(s.heading)}</h2>`];
    if (s.markdown) parts.push(markdownToHtml(s.markdown));
    for (const t of s.tables ?? []) parts.push(htmlTable(t));
    (s.svgs ?? []).forEach((svg, j) =>
      parts.push(`<figure>${inlineSvg(svg, `section "${s.heading}" svg ${j}`)}</figure>`),
    );
    parts.push("</section>");
    return parts.join("\n");
  });
  const nav =
    spec.sections.length > 1
      ? `<nav><ol>${spec.sections.map((s, k) => `<li><a href="#s${k + 1}">${escape(s.heading)}</a></li>`).join("")}</ol></nav>`
      : "";
  const config =
    spec.config === undefined
      ? ""
      : `<section id="config"><h2>Configuration</h2><pre><code>${escape(JSON.stringify(spec.config, (_k, v) => (typeof v === "number" && !Number.isFinite(v) ? String(v) : v), 2) ?? "")}</code></pre></section>`;
  return (
    [
      "<!DOCTYPE html>",
      '<html lang="en">',
      '<head><meta charset="utf-8"/><meta name="viewport" content="width=device-width, initial-scale=1"/>',
      `<title>${escape(spec.title)}</title><style>${CSS}</style></head>`,
      "<body>",
      `<h1>${escape(spec.title)}</h1>`,
      nav,
      ...sections,
      config,
      "</body>",
      "</html>",
      "",
    ]
      .filter((line) => line !== "")
      .join("\n") + "\n"
  );
}
