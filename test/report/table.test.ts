import { describe, expect, it } from "vitest";
import { csv, jsonl, markdownTable } from "../../src/report/table.ts";
import { divergedCell, formatMeanStd } from "../../src/report/format.ts";

describe("markdownTable", () => {
  it("aligns text left and numbers right, padded, with formatted numbers", () => {
    const md = markdownTable({
      columns: ["optimizer", "final loss", { header: "note", align: "center" }],
      rows: [
        ["sgd", 0.012345, "ok"],
        ["adam", 2.5e-7, "a|b"],
        ["lion", null, divergedCell(3)],
      ],
    });
    expect(md).toBe(
      "| optimizer | final loss |        note         |\n" +
        "| --------- | ---------: | :-----------------: |\n" +
        "| sgd       |    0.01235 |         ok          |\n" +
        "| adam      |   2.500e-7 |        a\\|b         |\n" +
        "| lion      |            | diverged at epoch 3 |\n",
    );
  });

  it("counts ± as one column, honours custom number formats, and checks row lengths", () => {
    const md = markdownTable({
      columns: [{ header: "acc", format: (x) => x.toFixed(1) }, "loss"],
      rows: [[97.25, formatMeanStd(0.5, 0.01)]],
    });
    expect(md).toBe("|  acc | loss          |\n| ---: | ------------- |\n| 97.3 | 0.500 ± 0.010 |\n");
    expect(() => markdownTable({ columns: ["a", "b"], rows: [[1]] })).toThrow(/row 0 has 1 cells, expected 2/);
  });
});

describe("csv", () => {
  it("quotes per RFC 4180 and keeps full precision", () => {
    const text = csv({
      columns: ["name", "value"],
      rows: [
        ["plain", 0.1 + 0.2],
        ['say "hi"', NaN],
        ["a,b", -Infinity],
        ["line\nbreak", null],
        ["cr\r", 1e-300],
      ],
    });
    expect(text).toBe(
      'name,value\r\nplain,0.30000000000000004\r\n"say ""hi""",NaN\r\n"a,b",-Infinity\r\n"line\nbreak",\r\n"cr\r",1e-300\r\n',
    );
  });
});

describe("jsonl", () => {
  it("writes one object per line and keeps non-finite numbers as strings", () => {
    const text = jsonl([
      { epoch: 1, loss: 0.5 },
      { epoch: 2, loss: NaN, extra: [Infinity] },
    ]);
    expect(text).toBe('{"epoch":1,"loss":0.5}\n{"epoch":2,"loss":"NaN","extra":["Infinity"]}\n');
    expect(
      text
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l))[1].loss,
    ).toBe("NaN");
    expect(jsonl([])).toBe("");
  });
});
