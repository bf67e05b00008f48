import { Resvg } from '@resvg/resvg-js';
import { describe, expect, it } from 'vitest';
import { figureFontFiles } from './fonts.js';
import { rasterizeSvg, specToSvg } from './render.js';
import { topLevel } from './theme.js';

/** A bar chart whose only black pixels can be the title's glyphs (no axes; bars are mid-blue). */
function titled(text: string) {
  return topLevel({
    title: { text, fontSize: 20, color: '#000' },
    width: 300,
    height: 60,
    data: { values: [{ x: 'a', y: 1 }] },
    mark: { type: 'bar', color: '#1f77b4' },
    encoding: {
      x: { field: 'x', type: 'nominal', axis: null },
      y: { field: 'y', type: 'quantitative', axis: null },
    },
  });
}

/** Pixels whose R, G and B are all below 100 (text is black; bars, background and frame are light). */
function darkPixels(raster: { width: number; height: number; rgba: Uint8Array }) {
  let count = 0;
  let minX = Number.POSITIVE_INFINITY;
  let maxX = -1;
  for (let i = 0; i < raster.width * raster.height; i++) {
    const [r, g, b] = [raster.rgba[4 * i]!, raster.rgba[4 * i + 1]!, raster.rgba[4 * i + 2]!];
    if (r < 100 && g < 100 && b < 100) {
      count++;
      minX = Math.min(minX, i % raster.width);
      maxX = Math.max(maxX, i % raster.width);
    }
  }
  return { count, span: maxX - minX + 1 };
}

describe('figure text without system fonts', () => {
  it('draws the title with the shipped DejaVu Sans while system font lookup is off', async () => {
    const svg = await specToSvg(titled('Glyphs 0123 ABC xyz'));
    expect(svg).toContain('DejaVu Sans');
    const withText = darkPixels(rasterizeSvg(svg, 1));
    // 19 characters at 20 px: well over 300 dark pixels, spread over more than 150 px of width.
    expect(withText.count).toBeGreaterThan(300);
    expect(withText.span).toBeGreaterThan(150);
    // The same chart with an empty title has no dark pixel at all: they are the glyphs.
    expect(darkPixels(rasterizeSvg(await specToSvg(titled(' ')), 1)).count).toBe(0);
  });

  it('control: resvg with no font files and no system fonts draws no glyphs, so the check above can fail', async () => {
    const svg = await specToSvg(titled('Glyphs 0123 ABC xyz'));
    const image = new Resvg(svg, {
      background: 'white',
      font: { loadSystemFonts: false, fontFiles: [] },
    }).render();
    const raster = { width: image.width, height: image.height, rgba: new Uint8Array(image.pixels) };
    expect(darkPixels(raster).count).toBe(0);
  });

  it('ships both font files (regular for labels, bold for titles)', () => {
    expect(figureFontFiles().regular).toMatch(/DejaVuSans\.ttf$/);
    expect(figureFontFiles().bold).toMatch(/DejaVuSans-Bold\.ttf$/);
  });
});
