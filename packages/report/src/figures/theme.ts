import type { Config } from 'vega-lite';
import { FIGURE_FONT } from './render.js';

/** Shared look: white background, readable fonts, angled layer labels that are never truncated. */
export const FIGURE_CONFIG: Config = {
  background: 'white',
  padding: 12,
  font: FIGURE_FONT,
  title: { fontSize: 15, anchor: 'start', subtitleFontSize: 11, subtitleColor: '#555' },
  axis: { labelFontSize: 10, titleFontSize: 11, labelLimit: 0, titlePadding: 8 },
  legend: { labelFontSize: 10, titleFontSize: 11, orient: 'top', labelLimit: 0 },
  header: { labelFontSize: 12, titleFontSize: 12 },
  view: { stroke: '#ddd' },
};

/** The paper's colours in Fig. 3: forward blue, backward yellow, total green. */
export const PASS_GROUP_COLORS = { forward: '#1f77b4', backward: '#e6b400', total: '#2ca02c' } as const;

/** Colours of the three conv passes in per-pass figures. */
export const PASS_COLORS = {
  forward: '#1f77b4',
  backwardData: '#ff7f0e',
  backwardFilter: '#9467bd',
} as const;

/** Pixel width for a chart with `n` categories on x, at least `min`. */
export function widthFor(n: number, perCategory = 26, min = 420): number {
  return Math.max(min, n * perCategory);
}

/**
 * Wrap a composed spec body with the schema and shared config. Panels are assembled as plain objects (the
 * Vega-Lite types do not compose well across helpers); `renderFigure` compiles them, which validates them.
 */
export function topLevel(body: Record<string, unknown>): import('vega-lite').TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    config: FIGURE_CONFIG,
    ...body,
  } as unknown as import('vega-lite').TopLevelSpec;
}
