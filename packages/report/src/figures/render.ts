import { Resvg } from '@resvg/resvg-js';
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/** The font both Vega (for layout) and resvg (for drawing) use; DejaVu Sans ships with most Linux images. */
export const FIGURE_FONT = 'DejaVu Sans';

export interface RenderedFigure {
  readonly svg: string;
  readonly png: Uint8Array;
}

/**
 * Vega-Lite spec → Vega → SVG (headless View, no canvas) → PNG (resvg, at `scale`× for sharp text).
 * Fonts fall back to the system sans-serif where DejaVu Sans is missing.
 */
export async function renderFigure(spec: TopLevelSpec, scale = 2): Promise<RenderedFigure> {
  const vegaSpec = compile(spec).spec;
  const view = new View(parse(vegaSpec), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    const resvg = new Resvg(svg, {
      background: 'white',
      fitTo: { mode: 'zoom', value: scale },
      font: { loadSystemFonts: true, defaultFontFamily: FIGURE_FONT, sansSerifFamily: FIGURE_FONT },
    });
    return { svg, png: resvg.render().asPng() };
  } finally {
    view.finalize();
  }
}
