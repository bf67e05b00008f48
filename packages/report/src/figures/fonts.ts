import { createRequire } from 'node:module';
import { ConfigError } from '@unet3d/core';

/**
 * The font of every figure: DejaVu Sans, shipped as TrueType files by the npm package `dejavu-fonts-ttf`, so
 * figures keep their text on machines without system fonts (slim CUDA images). Vega lays text out with this
 * family name; resvg (PNG) and PDFKit (PDF) draw with exactly these files and never look up system fonts.
 */
export const FIGURE_FONT = 'DejaVu Sans';

export interface FigureFontFiles {
  /** Absolute path of DejaVuSans.ttf (labels). */
  readonly regular: string;
  /** Absolute path of DejaVuSans-Bold.ttf (titles). */
  readonly bold: string;
}

let cached: FigureFontFiles | undefined;

/**
 * Paths of the shipped regular and bold TrueType files, resolved on first use (not at import, so code that
 * never draws a figure does not need the font package). Throws `ConfigError` if `dejavu-fonts-ttf`
 * is not installed.
 */
export function figureFontFiles(): FigureFontFiles {
  if (!cached) {
    const require = createRequire(import.meta.url);
    try {
      cached = {
        regular: require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf'),
        bold: require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf'),
      };
    } catch (err) {
      throw new ConfigError(
        `the figure font is missing: ${(err as Error).message.split('\n')[0]}`,
        'install @unet3d/report with its dependencies (it needs the npm package dejavu-fonts-ttf)',
      );
    }
  }
  return cached;
}
