// The console's SVG bar charts: geometry and the text that says every number.
import { describe, expect, it } from "vitest";
import { render } from "preact-render-to-string";
import { h } from "preact";
import { BarChart, describeChart, labelWidth, layoutBars, type ChartSpec } from "../../src/web/charts.tsx";
import { pct } from "../../src/assessment/progress.ts";

const spec: ChartSpec = {
  id: "t",
  title: "レベル別の達成率",
  categories: ["レベル1", "レベル2"],
  series: [
    { name: "今年", values: [0.5, 1.2], color: "#0b5cad" },
    { name: "前年", values: [null, 0], color: "#5f6b7a" },
  ],
  max: 1,
  format: pct,
};

describe("bar charts", () => {
  it("draws bars proportional to max, clamped to 0..max, and none for a missing figure", () => {
    const l = layoutBars(spec);
    const [r1, r2] = l.rows;
    expect(r1.bars[0].width).toBeCloseTo(l.plotWidth / 2, 0);
    expect(r2.bars[0].width).toBeCloseTo(l.plotWidth, 0); // 120% is drawn as a full bar
    expect(r1.bars[1].width).toBe(0);
    expect(r1.bars[1].label).toBe("—");
    expect(r2.bars[1].label).toBe("0%");
    // groups do not overlap and every bar starts at the plot's left edge
    expect(r2.y).toBeGreaterThan(r1.bars[1].y + r1.bars[1].height);
    expect(l.rows.flatMap((r) => r.bars).every((b) => b.x === l.plotX)).toBe(true);
    expect(l.grid.map((g) => g.label)).toEqual(["0%", "25%", "50%", "75%", "100%"]);
  });

  it("makes room for long Japanese labels, within bounds", () => {
    expect(labelWidth("ID")).toBeLessThan(labelWidth("認証"));
    const long = layoutBars({ ...spec, categories: ["有事の体制・インシデント対応", "x"] });
    const short = layoutBars({ ...spec, categories: ["a", "b"] });
    expect(long.plotX).toBeGreaterThan(short.plotX);
    expect(long.plotX).toBeLessThanOrEqual(252);
    expect(long.plotWidth + long.plotX).toBe(short.plotWidth + short.plotX);
  });

  it("says every number in text: the description and the bar labels", () => {
    expect(describeChart(spec)).toBe("レベル1: 今年 50%, 前年 —; レベル2: 今年 120%, 前年 0%");
    const html = render(h(BarChart, { spec }));
    expect(html).toContain('role="img"');
    expect(html).toContain('aria-labelledby="t-title t-desc"');
    expect(html).toContain("<title id=\"t-title\">レベル別の達成率</title>");
    expect(html).toContain(">50%<");
    // colours are attributes, never inline styles (the CSP has no 'unsafe-inline')
    expect(html).not.toContain("style=");
    expect(html).toContain('fill="#0b5cad"');
  });

  it("escapes what it is given", () => {
    const html = render(h(BarChart, { spec: { ...spec, title: "<script>x</script>", categories: ['a"b', "<b>"] } }));
    expect(html).not.toContain("<script>");
    expect(html).not.toContain("<b>");
  });
});
