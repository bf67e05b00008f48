import { describe, expect, it } from 'vitest';
import { flopsAnalytic } from '../analytic-flops.js';
import { sampleRun } from '../testing/sample-run.js';
import { buildFigureSpecs } from './build-figures.js';
import { svgSize } from './pdf.js';
import { PRINT_PRESETS, renderPrint, wrapText } from './print-preset.js';

const analytic = flopsAnalytic();
const run = sampleRun({ analytic, device: 'cuda', patch: [16, 32, 32], seed: 3 });
const spec = (name: string) => buildFigureSpecs(run, analytic).find((f) => f.name === name)!.spec;

/** Printed size in points of every `font-size` in the SVG: px × (printed width ÷ viewBox width) × 0.75. */
function printedFontPt(svg: string, widthInches: number): number[] {
  const viewBoxWidth = Number(/viewBox="0 0 ([\d.]+)/.exec(svg)![1]);
  const ptPerUnit = (widthInches * 72) / viewBoxWidth;
  return [...svg.matchAll(/font-size="([\d.]+)px"|font-size:\s*([\d.]+)px/g)].map(
    (m) => Number(m[1] ?? m[2]) * ptPerUnit,
  );
}

describe('print preset', () => {
  it.each([
    ['single', 3.5],
    ['double', 7.2],
  ] as const)(
    'lays Fig. 6 out %s-column: %s in wide, all text 8–9 pt, PDF of that size with fonts embedded',
    async (key, inches) => {
      const printed = await renderPrint(spec('fig6-efficiency'), PRINT_PRESETS[key], 96);
      expect(printed.svg).toMatch(new RegExp(`^<svg[^>]* width="${inches}in"`));
      expect(svgSize(printed.svg).width).toBeCloseTo(inches * 96, 6);
      const sizes = printedFontPt(printed.svg, inches);
      expect(sizes.length).toBeGreaterThan(50);
      // 8 pt text and 9 pt titles, off by at most the layout's residual scale (within 12 %).
      expect(Math.min(...sizes)).toBeGreaterThan(8 * 0.88);
      expect(Math.max(...sizes)).toBeLessThan(9 * 1.12);
      const pdf = Buffer.from(printed.pdf).toString('latin1');
      expect(pdf.startsWith('%PDF-')).toBe(true);
      const box = /\/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]/.exec(pdf)!;
      expect(Number(box[1])).toBeCloseTo(inches * 72, 3);
      expect(Number(box[2])).toBeCloseTo(printed.heightInches * 72, 1);
      // PDFKit embeds a font subset only when text was set in it: regular (labels) and bold (titles).
      expect(pdf).toMatch(/\/BaseFont \/[A-Z]{6}\+DejaVuSans\b/);
      expect(pdf).toMatch(/\/BaseFont \/[A-Z]{6}\+DejaVuSans-Bold\b/);
      expect(pdf).toContain('/FontFile2');
    },
  );

  it('wraps titles greedily at word boundaries', () => {
    expect(wrapText('Fig. 6 — computational efficiency per conv layer', 20)).toEqual([
      'Fig. 6 —',
      'computational',
      'efficiency per conv',
      'layer',
    ]);
    expect(wrapText('short', 20)).toEqual(['short']);
  });
});
