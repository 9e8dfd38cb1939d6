/**
 * A small Markdown to HTML converter for report prose: headings, paragraphs, bullet and numbered
 * lists (one level), fenced code, pipe tables (as markdownTable writes them), and inline code,
 * bold, italic and links. Everything is escaped; links only to http(s), mailto, relative or # targets.
 */
import { escapeXml as escape } from "./svg/xml.ts";

/** http(s) and mailto links, and links without a scheme (relative paths, #anchors); never javascript: or data:. */
function safeUrl(url: string): boolean {
  return /^(https?|mailto):/i.test(url) || !/^[^/?#]*:/.test(url);
}

/** Inline markup of one line or paragraph; code spans are taken out first so nothing inside them is interpreted. */
export function inlineMarkdown(s: string): string {
  return s
    .split(/(`[^`]+`)/)
    .map((part) => {
      if (/^`[^`]+`$/.test(part)) return `<code>${escape(part.slice(1, -1))}</code>`;
      return escape(part)
        .replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (whole, label: string, url: string) =>
          safeUrl(url) ? `<a href="${url}">${label}</a>` : whole,
        )
        .replace(/\*\*([^*]+)\*\*/g, "<strong>$1</strong>")
        .replace(/(^|[^\w*])\*([^*\s][^*]*?)\*(?!\w)/g, "$1<em>$2</em>")
        .replace(/(^|[^\w])_([^_\s][^_]*?)_(?!\w)/g, "$1<em>$2</em>");
    })
    .join("");
}

function splitRow(line: string): string[] {
  let s = line.trim();
  if (s.startsWith("|")) s = s.slice(1);
  if (s.endsWith("|") && !s.endsWith("\\|")) s = s.slice(0, -1);
  return s.split(/(?<!\\)\|/).map((c) => c.trim().replace(/\\\|/g, "|"));
}

const DELIMITER = /^\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$/;

/** Markdown blocks to HTML; `headingOffset` shifts # levels (a "#" inside a section becomes h3 with offset 2). */
export function markdownToHtml(md: string, headingOffset = 2): string {
  const lines = md.replace(/\r\n?/g, "\n").split("\n");
  const out: string[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (line.trim() === "") {
      i++;
      continue;
    }
    const fence = /^\s*```/.exec(line);
    if (fence) {
      const body: string[] = [];
      for (i++; i < lines.length && !/^\s*```/.test(lines[i]); i++) body.push(lines[i]);
      i++;
      out.push(`<pre><code>${escape(body.join("\n"))}</code></pre>`);
      continue;
    }
    const heading = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      const level = Math.min(6, heading[1].length + headingOffset);
      out.push(`<h${level}>${inlineMarkdown(heading[2])}</h${level}>`);
      i++;
      continue;
    }
    if (line.includes("|") && i + 1 < lines.length && DELIMITER.test(lines[i + 1])) {
      const head = splitRow(line);
      const aligns = splitRow(lines[i + 1]).map((d) =>
        d.startsWith(":") && d.endsWith(":") ? "center" : d.endsWith(":") ? "right" : "left",
      );
      const rows: string[][] = [];
      for (i += 2; i < lines.length && lines[i].includes("|") && lines[i].trim() !== ""; i++)
        rows.push(splitRow(lines[i]));
      const cell = (tag: string, text: string, j: number) =>
        `<${tag} style="text-align:${aligns[j] ?? "left"}">${inlineMarkdown(text)}</${tag}>`;
      out.push(
        `<table><thead><tr>${head.map((h, j) => cell("th", h, j)).join("")}</tr></thead><tbody>${rows.map((r) => `<tr>${head.map((_, j) => cell("td", r[j] ?? "", j)).join("")}</tr>`).join("")}</tbody></table>`,
      );
      continue;
    }
    const bullet = /^\s*[-*+]\s+/,
      numbered = /^\s*\d+[.)]\s+/;
    if (bullet.test(line) || numbered.test(line)) {
      const marker = bullet.test(line) ? bullet : numbered;
      const items: string[] = [];
      for (; i < lines.length && marker.test(lines[i]); i++) items.push(lines[i].replace(marker, ""));
      const tag = marker === bullet ? "ul" : "ol";
      out.push(`<${tag}>${items.map((it) => `<li>${inlineMarkdown(it)}</li>`).join("")}</${tag}>`);
      continue;
    }
    const para: string[] = [];
    for (; i < lines.length && lines[i].trim() !== "" && !/^\s*(```|#{1,6}\s|[-*+]\s|\d+[.)]\s)/.test(lines[i]); i++)
      para.push(lines[i].trim());
    out.push(`<p>${inlineMarkdown(para.join(" "))}</p>`);
  }
  return out.join("\n");
}
