import { createRequire } from 'node:module';

/**
 * The font of every figure: DejaVu Sans, shipped as TrueType files by the npm package `dejavu-fonts-ttf`, so
 * figures keep their text on machines without system fonts (slim CUDA images). Vega lays text out with this
 * family name; resvg (PNG) and PDFKit (PDF) draw with exactly these files and never look up system fonts.
 */
export const FIGURE_FONT = 'DejaVu Sans';

const require = createRequire(import.meta.url);

/** Absolute paths of the regular and bold TrueType files (titles are bold). */
export const FIGURE_FONT_FILES = {
  regular: require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'),
  bold: require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf'),
} as const;
