import { Resvg } from '@resvg/resvg-js';
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { FIGURE_FONT, figureFontFiles } from './fonts.js';

export { FIGURE_FONT } from './fonts.js';

export interface RenderedFigure {
  readonly svg: string;
  readonly png: Uint8Array;
}

/** Vega-Lite spec → SVG string (headless Vega View, no canvas; text widths estimated by Vega). */
export async function specToSvg(spec: TopLevelSpec): Promise<string> {
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/**
 * SVG → PNG with resvg at `scale`× (2 by default, for sharp text). Text is drawn only with the shipped
 * DejaVu Sans files; `loadSystemFonts` is false, so the result does not depend on the machine's fonts.
 */
export function svgToPng(svg: string, scale = 2): Uint8Array {
  return rasterizeSvg(svg, scale).png;
}

/** A rasterized figure: RGBA pixels (row-major, 4 bytes per pixel) and the same image as PNG. */
export interface Raster {
  readonly width: number;
  readonly height: number;
  readonly rgba: Uint8Array;
  readonly png: Uint8Array;
}

/** SVG → RGBA + PNG with resvg at `scale`×, text drawn only with the shipped fonts (see `svgToPng`). */
export function rasterizeSvg(svg: string, scale = 2): Raster {
  const resvg = new Resvg(svg, {
    background: 'white',
    fitTo: { mode: 'zoom', value: scale },
    font: {
      loadSystemFonts: false,
      fontFiles: [figureFontFiles().regular, figureFontFiles().bold],
      defaultFontFamily: FIGURE_FONT,
      sansSerifFamily: FIGURE_FONT,
    },
  });
  const image = resvg.render();
  return { width: image.width, height: image.height, rgba: new Uint8Array(image.pixels), png: image.asPng() };
}

/** Vega-Lite spec → Vega → SVG → PNG (see `specToSvg`, `svgToPng`). */
export async function renderFigure(spec: TopLevelSpec, scale = 2): Promise<RenderedFigure> {
  const svg = await specToSvg(spec);
  return { svg, png: svgToPng(svg, scale) };
}
