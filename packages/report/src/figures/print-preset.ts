import type { Config, TopLevelSpec } from 'vega-lite';
import { svgSize, svgToPdf } from './pdf.js';
import { rasterizeSvg, specToSvg } from './render.js';
import { FIGURE_CONFIG } from './theme.js';

/**
 * A journal print layout: the figure's printed width and its text sizes. Widths follow the common two-column
 * journal grid (single column ≈ 3.5 in / 8.9 cm, double column ≈ 7.2 in / 18.3 cm); text 8 pt, titles 9 pt.
 */
export interface PrintPreset {
  readonly name: 'single-column' | 'double-column';
  /** Printed width in inches. */
  readonly widthInches: number;
  /** Size of axis, legend and subtitle text in points (1 pt = 1/72 in). */
  readonly textPt: number;
  /** Size of figure titles in points. */
  readonly titlePt: number;
}

export const PRINT_PRESETS = {
  single: { name: 'single-column', widthInches: 3.5, textPt: 8, titlePt: 9 },
  double: { name: 'double-column', widthInches: 7.2, textPt: 8, titlePt: 9 },
} as const satisfies Record<string, PrintPreset>;

/** CSS pixels per point: SVG user units are CSS px (1/96 in), a point is 1/72 in. */
const PX_PER_PT = 96 / 72;

/** The screen theme with every text size set to the preset's points (as CSS px) and tighter padding. */
export function printConfig(preset: PrintPreset): Config {
  const text = preset.textPt * PX_PER_PT;
  const title = preset.titlePt * PX_PER_PT;
  return {
    ...FIGURE_CONFIG,
    padding: 4,
    title: { ...FIGURE_CONFIG.title, fontSize: title, subtitleFontSize: text },
    axis: {
      ...FIGURE_CONFIG.axis,
      labelFontSize: text,
      titleFontSize: text,
      titlePadding: 4,
      labelOverlap: 'parity',
    },
    legend: {
      ...FIGURE_CONFIG.legend,
      orient: 'bottom',
      direction: 'vertical',
      labelFontSize: text,
      titleFontSize: text,
      symbolSize: 50,
      labelLimit: preset.widthInches * 96 - 80,
    },
    header: { ...FIGURE_CONFIG.header, labelFontSize: text, titleFontSize: text },
    text: { fontSize: text },
  };
}

/**
 * Greedy word wrap of `text` into lines of at most `maxChars` characters (a longer single word stays whole).
 * Vega never wraps titles, so a long title would otherwise set the printed width on its own.
 */
export function wrapText(text: string, maxChars: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > maxChars) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/**
 * Text width per character as a fraction of the font size, as Vega estimates it when it lays out without a
 * canvas (vega-scenegraph's `estimateWidth`: 0.8 em per character); wrapping to this keeps the laid-out
 * width, and so the printed text size, in check. Real DejaVu Sans is narrower (≈ 0.6 em), never wider.
 */
const CHAR_WIDTH_EM = { regular: 0.8, bold: 0.8 } as const;

const FONT_KEYS = new Set(['fontSize', 'labelFontSize', 'titleFontSize', 'subtitleFontSize']);

/**
 * A copy of `spec` for print: panel widths × `widthScale`, heights × max(`widthScale`, 0.5), every explicit
 * font size set to the preset's text size, titles and subtitles wrapped to the printed width, legends moved below the
 * plot (vertical), angled axis labels turned vertical, and the print config (legend labels limited to the printed width). `data` blocks are copied untouched.
 */
export function printSpec(spec: TopLevelSpec, preset: PrintPreset, widthScale: number): TopLevelSpec {
  const text = preset.textPt * PX_PER_PT;
  const targetPx = preset.widthInches * 96 - 8;
  const titleChars = Math.floor(targetPx / (preset.titlePt * PX_PER_PT * CHAR_WIDTH_EM.bold));
  const textChars = Math.floor(targetPx / (text * CHAR_WIDTH_EM.regular));
  const wrapAll = (t: unknown, chars: number) =>
    typeof t === 'string'
      ? wrapText(t, chars)
      : Array.isArray(t)
        ? t.flatMap((l) => wrapText(String(l), chars))
        : t;
  const walk = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(walk);
    if (value === null || typeof value !== 'object') return value;
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      if (key === 'data' || key === 'config') out[key] = v;
      else if (key === 'width' && typeof v === 'number') out[key] = Math.max(20, Math.round(v * widthScale));
      else if (key === 'height' && typeof v === 'number')
        out[key] = Math.max(20, Math.round(v * Math.max(widthScale, 0.5)));
      else if (FONT_KEYS.has(key) && typeof v === 'number') out[key] = text;
      else if (key === 'labelAngle' && typeof v === 'number' && v !== 0) out[key] = -90;
      else if (key === 'legend' && v !== null && typeof v === 'object')
        out[key] = { ...(walk(v) as object), orient: 'bottom', direction: 'vertical' };
      else if (key === 'title' && typeof v === 'string') out[key] = wrapAll(v, titleChars);
      else if (key === 'title' && v !== null && typeof v === 'object' && !Array.isArray(v)) {
        const t = walk(v) as Record<string, unknown>;
        out[key] = { ...t, text: wrapAll(t.text, titleChars), subtitle: wrapAll(t.subtitle, textChars) };
      } else out[key] = walk(v);
    }
    return out;
  };
  return { ...(walk(spec) as object), config: printConfig(preset) } as TopLevelSpec;
}

export interface PrintedFigure {
  /** SVG sized in inches (`width="3.5in"`), its viewBox the laid-out size in CSS px. */
  readonly svg: string;
  /** PNG at `dpi`. */
  readonly png: Uint8Array;
  /** Vector PDF, page = the printed size. */
  readonly pdf: Uint8Array;
  /** Printed size in inches. */
  readonly widthInches: number;
  readonly heightInches: number;
  /** Printed size ÷ laid-out size (1 = text exactly at the preset's points). */
  readonly textScale: number;
}

/**
 * Lay a figure out for print. Vega sizes plots, not whole figures, so the panel widths are solved for: the
 * laid-out width is affine in the width scale s (W = a + b·s: axes and legends fixed, plots proportional),
 * two layouts give a and b, a third uses the solved s (one correction step if still off by > 1 %). The SVG
 * is then given the preset's physical width, so text prints at `textPt`/`titlePt` times `textScale` (≈ 1).
 */
export async function renderPrint(
  spec: TopLevelSpec,
  preset: PrintPreset,
  dpi = 300,
): Promise<PrintedFigure> {
  const target = preset.widthInches * 96;
  const widthAt = async (s: number) => {
    const svg = await specToSvg(printSpec(spec, preset, s));
    return { s, svg, width: svgSize(svg).width };
  };
  const one = await widthAt(1);
  const half = await widthAt(0.5);
  const slope = (one.width - half.width) / 0.5;
  let best = Math.abs(one.width - target) < Math.abs(half.width - target) ? one : half;
  if (slope > 0) {
    const intercept = one.width - slope;
    let s = Math.min(4, Math.max(0.05, (target - intercept) / slope));
    for (let step = 0; step < 2; step++) {
      const next = await widthAt(s);
      if (Math.abs(next.width - target) < Math.abs(best.width - target)) best = next;
      if (Math.abs(next.width - target) <= 0.01 * target) break;
      s = Math.min(4, Math.max(0.05, s + (target - next.width) / slope));
    }
  }
  const { width, height } = svgSize(best.svg);
  const widthInches = preset.widthInches;
  const heightInches = (height / width) * widthInches;
  const svg = best.svg.replace(
    /^(<svg\b[^>]*?)\swidth="[\d.]+"\s+height="[\d.]+"/,
    `$1 width="${widthInches}in" height="${heightInches.toFixed(4)}in"`,
  );
  return {
    svg,
    png: rasterizeSvg(svg, dpi / 96).png,
    pdf: await svgToPdf(svg),
    widthInches,
    heightInches,
    textScale: target / width,
  };
}
