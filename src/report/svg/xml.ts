/** The few XML helpers every chart needs: escaping, attribute lists, compact coordinates. */

/** Text or attribute value made safe for XML: & < > " ' become entities; characters XML 1.0 forbids are dropped. */
export function escapeXml(s: string): string {
  return s
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

export type Attrs = Record<string, string | number | undefined>;

/** ` key="value"` pairs, escaped, skipping undefined values. */
export function attrs(a: Attrs): string {
  let out = "";
  for (const [k, v] of Object.entries(a)) {
    if (v === undefined) continue;
    out += ` ${k}="${escapeXml(typeof v === "number" ? px(v) : v)}"`;
  }
  return out;
}

/** An element: self-closing without children, else children joined as they are (already markup). */
export function el(name: string, a: Attrs, children?: string | string[]): string {
  if (children === undefined) return `<${name}${attrs(a)}/>`;
  return `<${name}${attrs(a)}>${Array.isArray(children) ? children.join("") : children}</${name}>`;
}

/** A text element: the content is escaped here. */
export function text(a: Attrs, content: string): string {
  return el("text", a, escapeXml(content));
}

/** A pixel coordinate with at most two decimals: enough for any screen, short in the file. */
export function px(v: number): string {
  const r = Math.round(v * 100) / 100;
  return Object.is(r, -0) ? "0" : String(r);
}

/** SVG path data for polylines: "M x y L x y ..." per piece, "Z" after closed ones. */
export function pathData(pieces: readonly (readonly (readonly [number, number])[])[], closed = false): string {
  let d = "";
  for (const piece of pieces) {
    if (piece.length === 0) continue;
    d += `M${px(piece[0][0])} ${px(piece[0][1])}`;
    for (let i = 1; i < piece.length; i++) d += `L${px(piece[i][0])} ${px(piece[i][1])}`;
    if (closed) d += "Z";
  }
  return d;
}
