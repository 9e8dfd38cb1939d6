/**
 * A small, strict XML well-formedness checker for the tests: one root element, matched tags,
 * quoted unique attributes, and no bare `<` or `&` outside the five predefined entities and
 * character references. It returns the element tree so tests can count what was drawn.
 */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const NAME = /^[A-Za-z_:][-A-Za-z0-9_:.]*/;
const ENTITY = /^&(amp|lt|gt|quot|apos|#[0-9]+|#x[0-9A-Fa-f]+);/;

export function decodeEntities(s: string, where: number): string {
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === "<") throw new Error(`xml: bare '<' at ${where + i}`);
    if (c !== "&") {
      out += c;
      continue;
    }
    const m = ENTITY.exec(s.slice(i));
    if (!m) throw new Error(`xml: bad entity at ${where + i}: ${s.slice(i, i + 12)}`);
    const e = m[1];
    out +=
      e === "amp"
        ? "&"
        : e === "lt"
          ? "<"
          : e === "gt"
            ? ">"
            : e === "quot"
              ? '"'
              : e === "apos"
                ? "'"
                : String.fromCodePoint(e[1] === "x" ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
    i += m[0].length - 1;
  }
  return out;
}

export function parseXml(src: string): XmlElement {
  let i = 0;
  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;
  const skipSpace = () => {
    while (i < src.length && /\s/.test(src[i])) i++;
  };
  while (i < src.length) {
    const lt = src.indexOf("<", i);
    const textEnd = lt < 0 ? src.length : lt;
    const chunk = src.slice(i, textEnd);
    const decoded = decodeEntities(chunk, i);
    if (stack.length) stack[stack.length - 1].text += decoded;
    else if (chunk.trim()) throw new Error(`xml: text outside the root at ${i}`);
    if (lt < 0) break;
    i = lt;
    if (src.startsWith("<!--", i)) {
      const end = src.indexOf("-->", i);
      if (end < 0) throw new Error("xml: open comment");
      i = end + 3;
      continue;
    }
    if (src.startsWith("<?", i)) {
      const end = src.indexOf("?>", i);
      if (end < 0) throw new Error("xml: open declaration");
      i = end + 2;
      continue;
    }
    if (src.startsWith("<!DOCTYPE", i)) {
      if (root || stack.length) throw new Error("xml: late DOCTYPE");
      i = src.indexOf(">", i) + 1;
      continue;
    }
    if (src[i + 1] === "/") {
      i += 2;
      const m = NAME.exec(src.slice(i));
      if (!m) throw new Error(`xml: bad closing tag at ${i}`);
      i += m[0].length;
      skipSpace();
      if (src[i] !== ">") throw new Error(`xml: expected '>' at ${i}`);
      i++;
      const open = stack.pop();
      if (!open || open.name !== m[0]) throw new Error(`xml: </${m[0]}> closes <${open?.name ?? "nothing"}>`);
      continue;
    }
    i++;
    const m = NAME.exec(src.slice(i));
    if (!m) throw new Error(`xml: bad tag name at ${i}`);
    const element: XmlElement = { name: m[0], attrs: {}, children: [], text: "" };
    i += m[0].length;
    for (;;) {
      const before = i;
      skipSpace();
      if (src.startsWith("/>", i)) {
        i += 2;
        attach(element, true);
        break;
      }
      if (src[i] === ">") {
        i++;
        attach(element, false);
        break;
      }
      if (i === before) throw new Error(`xml: expected space before attribute at ${i}`);
      const a = NAME.exec(src.slice(i));
      if (!a) throw new Error(`xml: bad attribute name at ${i}`);
      i += a[0].length;
      if (src[i] !== "=") throw new Error(`xml: attribute ${a[0]} without '=' at ${i}`);
      const quote = src[i + 1];
      if (quote !== '"' && quote !== "'") throw new Error(`xml: unquoted attribute ${a[0]} at ${i}`);
      const end = src.indexOf(quote, i + 2);
      if (end < 0) throw new Error(`xml: open attribute ${a[0]}`);
      if (a[0] in element.attrs) throw new Error(`xml: duplicate attribute ${a[0]} at ${i}`);
      element.attrs[a[0]] = decodeEntities(src.slice(i + 2, end), i + 2);
      i = end + 1;
    }
  }
  if (stack.length) throw new Error(`xml: <${stack[stack.length - 1].name}> never closed`);
  if (!root) throw new Error("xml: no root element");
  return root;

  function attach(element: XmlElement, selfClosing: boolean) {
    if (stack.length) stack[stack.length - 1].children.push(element);
    else if (root) throw new Error(`xml: second root <${element.name}>`);
    else root = element;
    if (!selfClosing) stack.push(element);
  }
}

/** Every element in the tree (depth first) matching a predicate. */
export function findAll(root: XmlElement, match: (e: XmlElement) => boolean): XmlElement[] {
  const out: XmlElement[] = [];
  const visit = (e: XmlElement) => {
    if (match(e)) out.push(e);
    e.children.forEach(visit);
  };
  visit(root);
  return out;
}

export const byClass = (root: XmlElement, cls: string) =>
  findAll(root, (e) => (e.attrs.class ?? "").split(" ").includes(cls));

/** All text below an element, decoded. */
export function textOf(e: XmlElement): string {
  return e.text + e.children.map(textOf).join("");
}
