/**
 * Tables as text: Markdown for people, CSV (RFC 4180) and JSON Lines for programs.
 * Pure functions from plain values to strings; writing files happens elsewhere.
 */
import { formatNumber } from "./format.ts";

export type Align = "left" | "right" | "center";
/** A cell: strings are shown as they are, numbers are formatted, null/undefined are empty. */
export type Cell = string | number | null | undefined;
export interface Column {
  header: string;
  /** Default: right if every non-empty cell of the column is a number, else left. */
  align?: Align;
  /** How numbers in this column become text in Markdown/HTML. Default: formatNumber (4 significant digits). */
  format?: (x: number) => string;
}
export interface Table {
  columns: readonly (string | Column)[];
  rows: readonly (readonly Cell[])[];
}

/** Columns with every option filled in, and every row checked against the column count. */
export function resolveColumns(table: Table): Required<Column>[] {
  const n = table.columns.length;
  table.rows.forEach((row, i) => {
    if (row.length !== n)
      throw new RangeError(`table: row ${i} has ${row.length} cells, expected ${n} (one per column)`);
  });
  return table.columns.map((c, j) => {
    const column = typeof c === "string" ? { header: c } : c;
    const filled = table.rows.map((r) => r[j]).filter((v) => v !== null && v !== undefined && v !== "");
    const numeric = filled.length > 0 && filled.every((v) => typeof v === "number");
    return {
      header: column.header,
      align: column.align ?? (numeric ? "right" : "left"),
      format: column.format ?? ((x: number) => formatNumber(x)),
    };
  });
}

/** The text a person sees in a cell. */
export function cellText(value: Cell, column: Required<Column>): string {
  if (value === null || value === undefined) return "";
  return typeof value === "number" ? column.format(value) : value;
}

/**
 * A GitHub-flavoured Markdown table, padded so the source reads as a table too.
 * `|` in cells is escaped and line breaks become spaces (a Markdown row is one line).
 */
export function markdownTable(table: Table): string {
  const columns = resolveColumns(table);
  if (columns.length === 0) throw new RangeError("markdownTable: a table needs at least one column");
  const clean = (s: string) => s.replace(/\r\n|\r|\n/g, " ").replace(/\|/g, "\\|");
  const header = columns.map((c) => clean(c.header));
  const body = table.rows.map((row) => row.map((v, j) => clean(cellText(v, columns[j]))));
  // Delimiter cells are at least three wide ("---", ":-:"), the usual convention.
  const widths = columns.map((_, j) => Math.max(3, width(header[j]), ...body.map((r) => width(r[j]))));
  const line = (cells: string[]) => `| ${cells.map((s, j) => pad(s, widths[j], columns[j].align)).join(" | ")} |`;
  const rule = columns.map((c, j) => {
    const w = widths[j];
    if (c.align === "right") return `${"-".repeat(w - 1)}:`;
    if (c.align === "center") return `:${"-".repeat(w - 2)}:`;
    return "-".repeat(w);
  });
  return [line(header), `| ${rule.join(" | ")} |`, ...body.map(line)].join("\n") + "\n";
}

/**
 * CSV per RFC 4180: CRLF line ends, a header line, and a field quoted (with `"` doubled) when it
 * holds a comma, quote, CR or LF. Numbers keep full precision (String(x): shortest round-trip form);
 * non-finite numbers are written NaN, Infinity, -Infinity; null/undefined are empty fields.
 */
export function csv(table: Table): string {
  const columns = resolveColumns(table);
  const field = (v: Cell): string => {
    if (v === null || v === undefined) return "";
    const s = typeof v === "number" ? String(v) : v;
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const lines = [columns.map((c) => field(c.header)), ...table.rows.map((r) => r.map(field))];
  return lines.map((cells) => cells.join(",")).join("\r\n") + "\r\n";
}

/**
 * JSON Lines: one JSON object per line, each line ending in "\n". JSON has no NaN or Infinity, so
 * non-finite numbers are written as the strings "NaN", "Infinity", "-Infinity" rather than
 * silently becoming null (a diverged run must stay visible).
 */
export function jsonl(records: readonly object[]): string {
  const keepNonFinite = (_key: string, v: unknown) => (typeof v === "number" && !Number.isFinite(v) ? String(v) : v);
  return records.map((r) => JSON.stringify(r, keepNonFinite)).join("\n") + (records.length ? "\n" : "");
}

/** Display width: code points, so "±" and "∞" count as one column. */
function width(s: string): number {
  return Array.from(s).length;
}

function pad(s: string, w: number, align: Align): string {
  const gap = w - width(s);
  if (align === "right") return " ".repeat(gap) + s;
  if (align === "center") {
    const left = Math.floor(gap / 2);
    return " ".repeat(left) + s + " ".repeat(gap - left);
  }
  return s + " ".repeat(gap);
}
