import { describe, expect, it } from "vitest";
import { byClass, parseXml, textOf, type XmlElement } from "./xml.ts";
import { lineChart } from "../../src/report/svg/lineChart.ts";
import { chooseLevels, contourPlot } from "../../src/report/svg/contourPlot.ts";
import { densityPlot, gaussianKde, histogramDensity } from "../../src/report/svg/density.ts";
import { clipPolyline, type Rect } from "../../src/report/svg/clip.ts";
import { COLOURS, seriesStyle } from "../../src/report/svg/palette.ts";
import { linearTicks, logTicks, niceDomain, niceStep } from "../../src/report/svg/ticks.ts";
import { escapeXml } from "../../src/report/svg/xml.ts";
import { samples } from "./render-samples.ts";

/** The x, y pairs of an SVG path's M/L commands. */
function pathPoints(d: string): [number, number][] {
  const nums = d.replace(/[MLZ]/g, " ").trim().split(/\s+/).filter(Boolean).map(Number);
  const out: [number, number][] = [];
  for (let k = 0; k + 1 < nums.length; k += 2) out.push([nums[k], nums[k + 1]]);
  return out;
}

function plotArea(svg: XmlElement): Rect {
  const r = byClass(svg, "plot-area")[0].attrs;
  return { x: +r.x, y: +r.y, width: +r.width, height: +r.height };
}

function expectInside(points: [number, number][], r: Rect) {
  for (const [x, y] of points) {
    expect(x).toBeGreaterThanOrEqual(r.x - 0.01);
    expect(x).toBeLessThanOrEqual(r.x + r.width + 0.01);
    expect(y).toBeGreaterThanOrEqual(r.y - 0.01);
    expect(y).toBeLessThanOrEqual(r.y + r.height + 0.01);
  }
}

describe("the XML checker (so the SVG tests can fail)", () => {
  it.each([
    ["<a><b></a></b>", /closes/],
    ["<a>x & y</a>", /entity/],
    ["<a b=c/>", /unquoted/],
    ["<a/><b/>", /second root/],
    ["<a b='1' b='2'/>", /duplicate/],
    ["<a>", /never closed/],
    ['<a t="<"/>', /bare '<'/],
  ])("rejects %s", (src, err) => expect(() => parseXml(src)).toThrow(err));

  it("accepts and decodes a small document", () => {
    const root = parseXml('<?xml version="1.0"?><svg a="&lt;&amp;&quot;"><!-- c --><text>x &gt; 1 &#955;</text></svg>');
    expect(root.attrs.a).toBe('<&"');
    expect(textOf(root)).toBe("x > 1 \u03bb");
  });
});

describe("ticks", () => {
  it("steps by 1, 2 or 5 times a power of ten", () => {
    expect(niceStep(1)).toBe(0.2);
    expect(niceStep(97)).toBe(20);
    expect(niceStep(0.004)).toBe(0.001);
    expect(linearTicks(0, 1).map((t) => t.label)).toEqual(["0", "0.2", "0.4", "0.6", "0.8", "1.0"]);
    expect(linearTicks(-3, 7).map((t) => t.value)).toEqual([-2, 0, 2, 4, 6]);
    expect(niceDomain(0.013, 0.97)).toEqual([0, 1]);
    expect(linearTicks(0, 3e6).map((t) => t.label)).toEqual(["0", "1e6", "2e6", "3e6"]);
    expect(linearTicks(0, 2.5e6).map((t) => t.label)).toEqual(["0", "5e5", "1.0e6", "1.5e6", "2.0e6", "2.5e6"]);
  });

  it("puts log ticks at powers of ten with superscript labels", () => {
    expect(logTicks(1e-3, 1e2).map((t) => t.label)).toEqual([
      "10\u207b\u00b3",
      "10\u207b\u00b2",
      "10\u207b\u00b9",
      "10\u2070",
      "10\u00b9",
      "10\u00b2",
    ]);
    expect(logTicks(1e-20, 1e10).length).toBeLessThanOrEqual(8);
    expect(logTicks(1, 10).map((t) => t.value)).toEqual([1, 2, 5, 10]);
  });
});

describe("clipPolyline", () => {
  const r: Rect = { x: 0, y: 0, width: 10, height: 10 };
  it("breaks at non-finite points, cuts at the border and keeps isolated points", () => {
    const pieces = clipPolyline(
      [
        [1, 1],
        [5, 5],
        [NaN, 2],
        [2, 2],
        [Infinity, 3],
        [5, 5],
        [15, 5],
        [5, 8],
      ],
      r,
    );
    expect(pieces).toEqual([
      [
        [1, 1],
        [5, 5],
      ],
      [[2, 2]],
      [
        [5, 5],
        [10, 5],
      ],
      [
        [10, 6.5],
        [5, 8],
      ],
    ]);
  });
  it("drops segments entirely outside", () => {
    expect(
      clipPolyline(
        [
          [-5, -5],
          [-1, 20],
          [20, 20],
        ],
        r,
      ),
    ).toEqual([]);
  });
  it("cuts exactly at the border even from points 1e36 away (a diverged path), where a + t·d cancels", () => {
    const frame: Rect = { x: 60, y: 40, width: 400, height: 432 };
    for (const [a, b] of [
      [
        [291.56, 1e36],
        [291.57, -1e36],
      ],
      [
        [100, 100],
        [3e17, -2.9e17],
      ],
      [
        [-1e30, 200],
        [1e30, 201],
      ],
    ] as [number, number][][]) {
      const pieces = clipPolyline([a, b], frame);
      expect(pieces.length, `${a} → ${b}`).toBe(1);
      expectInside(pieces[0] as [number, number][], {
        ...frame,
        x: frame.x + 0.01,
        y: frame.y + 0.01,
        width: frame.width - 0.02,
        height: frame.height - 0.02,
      });
    }
  });
});

describe("lineChart", () => {
  const series = [
    {
      name: 'sgd <lr=0.1> & "friends"',
      points: [
        [0, 1],
        [1, 0.5],
        [2, 0.25],
      ] as [number, number][],
    },
    {
      name: "adam",
      points: [
        [0, 1],
        [1, 0.1],
        [2, 0.01],
      ] as [number, number][],
    },
    {
      name: "blew up",
      points: [
        [0, 1],
        [1, 100],
        [2, NaN],
        [3, Infinity],
      ] as [number, number][],
    },
  ];

  it("is well-formed SVG with one group and one legend entry per series, axis labels and a title", () => {
    const svg = parseXml(lineChart({ title: "loss & <co>", xLabel: "epoch", yLabel: "loss", series, logY: true }));
    expect(svg.name).toBe("svg");
    expect(byClass(svg, "series")).toHaveLength(3);
    const legend = byClass(svg, "legend-entry");
    expect(legend.map(textOf)).toEqual(['sgd <lr=0.1> & "friends"', "adam", "blew up"]);
    expect(byClass(svg, "axis-label").map(textOf)).toEqual(["epoch", "loss"]);
    expect(textOf(byClass(svg, "title")[0])).toBe("loss & <co>");
    // Distinct colours.
    const strokes = byClass(svg, "series").map((g) => g.children.find((c) => c.name === "path")!.attrs.stroke);
    expect(new Set(strokes).size).toBe(3);
  });

  it("marks only the diverged run, and keeps every drawn point inside the plot", () => {
    const svg = parseXml(lineChart({ xLabel: "x", yLabel: "y", series, yRange: [0, 2] }));
    const groups = byClass(svg, "series");
    expect(groups.map((g) => byClass(g, "diverged").length)).toEqual([0, 0, 0]); // its last finite point (1, 100) is off the fixed range
    const area = plotArea(svg);
    // Lines end exactly at the frame; markers (hollow shapes centred on data points inside it) may overhang by their radius.
    for (const g of groups)
      for (const p of g.children.filter((c) => c.name === "path" && c.attrs.class !== "markers"))
        expectInside(pathPoints(p.attrs.d), area);
    const free = parseXml(lineChart({ xLabel: "x", yLabel: "y", series }));
    expect(byClass(free, "series").map((g) => byClass(g, "diverged").length)).toEqual([0, 0, 1]);
  });

  it("survives empty series and log axes over non-positive values", () => {
    const svg = parseXml(
      lineChart({
        xLabel: "x",
        yLabel: "y",
        series: [
          { name: "empty", points: [] },
          {
            name: "zeros",
            points: [
              [0, 0],
              [1, -1],
            ],
          },
        ],
        logY: true,
      }),
    );
    expect(byClass(svg, "series")).toHaveLength(2);
  });

  it("a colour-blind-safe palette with 3:1 contrast on white; coinciding lines stay distinguishable", () => {
    const luminance = (hex: string) =>
      [1, 3, 5]
        .map((i) => parseInt(hex.slice(i, i + 2), 16) / 255)
        .map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4))
        .reduce((sum, v, k) => sum + [0.2126, 0.7152, 0.0722][k] * v, 0);
    for (const c of COLOURS) expect(1.05 / (luminance(c) + 0.05), c).toBeGreaterThanOrEqual(3);
    // Any two of the first nine series (the mnist study's): the later is dashed (the earlier shows through its gaps) and their markers differ or so do their dashes.
    for (let i = 0; i < 9; i++)
      for (let j = i + 1; j < 9; j++) {
        const a = seriesStyle(i),
          b = seriesStyle(j);
        expect(b.dash, `series ${j}`).toBeDefined();
        expect(a.color !== b.color || a.dash !== b.dash, `${i}, ${j}`).toBe(true);
        expect(a.marker !== b.marker || a.dash !== b.dash, `${i}, ${j}`).toBe(true);
      }
    // Exactly coinciding lines: both drawn, with different markers at the same points.
    const same = [
      [1, 2],
      [2, 1.5],
      [3, 1.2],
    ] as [number, number][];
    const svg = parseXml(
      lineChart({
        xLabel: "x",
        yLabel: "y",
        series: [
          { name: "momentum", points: same },
          { name: "nesterov", points: same },
        ],
      }),
    );
    const markers = byClass(svg, "markers").map((m) => m.attrs.d);
    expect(markers).toHaveLength(2);
    expect(markers[0]).not.toBe(markers[1]);
  });

  it("gives nine or more series distinct styles", () => {
    const many = Array.from({ length: 10 }, (_, i) => ({
      name: `s${i}`,
      points: [
        [0, i],
        [1, i + 1],
      ] as [number, number][],
    }));
    const svg = parseXml(lineChart({ xLabel: "x", yLabel: "y", series: many }));
    const styles = byClass(svg, "series").map((g) => {
      const p = g.children[0].attrs;
      return `${p.stroke} ${p["stroke-dasharray"] ?? ""}`;
    });
    expect(new Set(styles).size).toBe(10);
  });
});

describe("contourPlot", () => {
  const rosenbrock = (x: number, y: number) => (1 - x) ** 2 + 100 * (y - x * x) ** 2;

  it("picks geometric levels for a function spanning many decades", () => {
    const values = Array.from({ length: 1000 }, (_, k) => 10 ** (k / 200)); // 1 .. 1e5
    const levels = chooseLevels(values, 5, true);
    const ratios = levels.slice(1).map((l, k) => l / levels[k]);
    for (const r of ratios) expect(r).toBeCloseTo(ratios[0], 10);
    expect(levels[0]).toBeGreaterThan(1);
    expect(levels[4]).toBeLessThan(1e5);
  });

  it("draws one path per level, one group and legend entry per trajectory, clipped to the plot", () => {
    const svg = parseXml(
      contourPlot({
        title: "Rosenbrock",
        f: rosenbrock,
        xRange: [-2, 2],
        yRange: [-1, 3],
        levels: 9,
        grid: 60,
        minimum: [1, 1],
        trajectories: [
          {
            name: "gd",
            points: [
              [-1.5, 2],
              [-1, 1],
              [0, 0],
              [1, 1],
            ],
          },
          {
            name: "escapes",
            points: [
              [0, 0],
              [10, 10],
              [NaN, NaN],
            ],
          },
        ],
      }),
    );
    expect(byClass(svg, "contour")).toHaveLength(9);
    const levels = byClass(svg, "contour").map((c) => Number(c.attrs["data-level"]));
    expect(levels[8] / levels[7]).toBeCloseTo(levels[1] / levels[0], 8); // log levels by default here
    expect(byClass(svg, "trajectory")).toHaveLength(2);
    expect(byClass(svg, "legend-entry").map(textOf)).toEqual(["gd", "escapes"]);
    expect(byClass(svg, "minimum")).toHaveLength(1);
    const area = plotArea(svg);
    for (const c of byClass(svg, "contour")) expectInside(pathPoints(c.attrs.d), area);
    for (const t of byClass(svg, "trajectory")) expectInside(pathPoints(t.children[0].attrs.d), area);
    // The escaping run leaves the plot: its end (10, 10) is not drawn, its start is.
    const escapes = byClass(svg, "trajectory")[1];
    expect(byClass(escapes, "start")).toHaveLength(1);
    expect(byClass(escapes, "diverged")).toHaveLength(0);
  });

  it("uses linear levels for a function with negative values", () => {
    const svg = parseXml(contourPlot({ f: (x, y) => x - y, xRange: [0, 1], yRange: [0, 1], levels: 4, grid: 11 }));
    const levels = byClass(svg, "contour").map((c) => Number(c.attrs["data-level"]));
    expect(levels[1] - levels[0]).toBeCloseTo(levels[3] - levels[2], 10);
    expect(() => contourPlot({ f: (x) => x, xRange: [-1, 1], yRange: [0, 1], logLevels: true })).toThrow(
      /logLevels needs f >= 0/,
    );
  });
});

describe("densities", () => {
  const values = Array.from({ length: 500 }, (_, k) => Math.sin(k * 12.9898) * 2);
  const integral = (pts: [number, number][]) =>
    pts.slice(1).reduce((s, p, k) => s + ((p[1] + pts[k][1]) / 2) * (p[0] - pts[k][0]), 0);

  it("histogram and KDE integrate to one", () => {
    expect(integral(histogramDensity(values, { bins: 17 }))).toBeCloseTo(1, 10);
    expect(integral(gaussianKde(values, { points: 400 }))).toBeCloseTo(1, 3);
  });

  it("draws filled areas", () => {
    const svg = parseXml(densityPlot({ xLabel: "eigenvalue", series: [{ name: "kde", points: gaussianKde(values) }] }));
    expect(byClass(svg, "series")[0].children.filter((c) => c.name === "path")).toHaveLength(2);
    expect(byClass(svg, "axis-label").map(textOf)).toEqual(["eigenvalue", "density"]);
  });
});

describe("escaping and the sample charts", () => {
  it("escapes the five XML specials", () => {
    expect(escapeXml(`<a href="x">'&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;");
  });
  it("renders every sample chart as well-formed SVG", () => {
    for (const [name, svg] of Object.entries(samples())) expect(() => parseXml(svg), name).not.toThrow();
  });
});
