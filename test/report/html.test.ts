import { describe, expect, it } from "vitest";
import { byClass, findAll, parseXml, textOf } from "./xml.ts";
import { htmlReport } from "../../src/report/html.ts";
import { inlineMarkdown, markdownToHtml } from "../../src/report/markdown.ts";
import { markdownTable } from "../../src/report/table.ts";
import { lineChart } from "../../src/report/svg/lineChart.ts";

describe("markdownToHtml", () => {
  it("converts headings, paragraphs, lists, code and tables, escaping everything", () => {
    const html = markdownToHtml(
      [
        "# Results <b>",
        "",
        "Loss fell **fast** with *Adam* & `x < y`,",
        "see [paper](https://arxiv.org/abs/1412.6980).",
        "",
        "- one",
        "- two",
        "",
        "1. first",
        "2. second",
        "",
        "```",
        "a < b && c",
        "```",
        "",
        markdownTable({
          columns: ["opt", "loss"],
          rows: [
            ["sgd", 0.5],
            ["a|b", 1e-9],
          ],
        }),
      ].join("\n"),
    );
    expect(html).toBe(
      [
        "<h3>Results &lt;b&gt;</h3>",
        '<p>Loss fell <strong>fast</strong> with <em>Adam</em> &amp; <code>x &lt; y</code>, see <a href="https://arxiv.org/abs/1412.6980">paper</a>.</p>',
        "<ul><li>one</li><li>two</li></ul>",
        "<ol><li>first</li><li>second</li></ol>",
        "<pre><code>a &lt; b &amp;&amp; c</code></pre>",
        '<table><thead><tr><th style="text-align:left">opt</th><th style="text-align:right">loss</th></tr></thead><tbody>' +
          '<tr><td style="text-align:left">sgd</td><td style="text-align:right">0.5000</td></tr>' +
          '<tr><td style="text-align:left">a|b</td><td style="text-align:right">1.000e-9</td></tr></tbody></table>',
      ].join("\n"),
    );
  });

  it("refuses script links and leaves snake_case alone", () => {
    expect(inlineMarkdown("[x](javascript:alert(1))")).not.toContain("<a");
    expect(inlineMarkdown("[x](data:text/html,hi)")).not.toContain("<a");
    expect(inlineMarkdown("[x](plots/loss.svg)")).toBe('<a href="plots/loss.svg">x</a>');
    expect(inlineMarkdown("weight_decay_rate")).toBe("weight_decay_rate");
  });
});

describe("htmlReport", () => {
  const chart = lineChart({
    title: "loss",
    xLabel: "epoch",
    yLabel: "loss",
    series: [
      {
        name: "sgd",
        points: [
          [0, 1],
          [1, 0.5],
        ],
      },
    ],
  });
  const html = htmlReport({
    title: "Optimizers on <MNIST>",
    sections: [
      {
        heading: "Summary",
        markdown: "Adam **won**.",
        tables: [
          {
            caption: "final loss",
            columns: ["optimizer", "loss"],
            rows: [
              ["adam", 0.01],
              ["sgd & co", null],
            ],
          },
        ],
      },
      { heading: "Curves", svgs: [chart, `<?xml version="1.0"?>\n${chart}`] },
    ],
    config: { seed: 1, lr: 0.1, note: "</pre><script>", bad: NaN },
  });

  it("is one well-formed, self-contained document", () => {
    const doc = parseXml(html);
    expect(doc.name).toBe("html");
    expect(html.startsWith("<!DOCTYPE html>\n")).toBe(true);
    // Nothing is fetched: no scripts, no external links or sources.
    expect(
      findAll(doc, (e) => e.name === "script" || e.name === "link" || e.name === "img" || e.name === "iframe"),
    ).toEqual([]);
    expect(findAll(doc, (e) => "src" in e.attrs)).toEqual([]);
    expect(findAll(doc, (e) => e.name === "a").every((a) => a.attrs.href.startsWith("#"))).toBe(true);
    expect(findAll(doc, (e) => e.name === "style")).toHaveLength(1);
  });

  it("contains the sections, tables, inline SVGs and the config", () => {
    const doc = parseXml(html);
    expect(textOf(findAll(doc, (e) => e.name === "h1")[0])).toBe("Optimizers on <MNIST>");
    expect(findAll(doc, (e) => e.name === "h2").map(textOf)).toEqual(["Summary", "Curves", "Configuration"]);
    expect(findAll(doc, (e) => e.name === "svg")).toHaveLength(2);
    expect(findAll(doc, (e) => e.name === "figure")).toHaveLength(2);
    expect(byClass(doc, "legend-entry")).toHaveLength(2);
    const cells = findAll(doc, (e) => e.name === "td").map(textOf);
    expect(cells).toEqual(["adam", "0.01000", "sgd & co", ""]);
    const config = JSON.parse(textOf(findAll(doc, (e) => e.name === "pre").at(-1)!));
    expect(config).toEqual({ seed: 1, lr: 0.1, note: "</pre><script>", bad: "NaN" });
  });

  it("refuses SVGs that are not SVG or carry script", () => {
    expect(() => htmlReport({ title: "t", sections: [{ heading: "h", svgs: ["<div/>"] }] })).toThrow(/not an <svg>/);
    expect(() => htmlReport({ title: "t", sections: [{ heading: "h", svgs: ['<svg onload="x()"></svg>'] }] })).toThrow(
      /script/,
    );
  });
});
