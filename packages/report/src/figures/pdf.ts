import PDFDocument from 'pdfkit';
import SVGtoPDF from 'svg-to-pdfkit';
import { figureFontFiles } from './fonts.js';

/** Width and height of an SVG in CSS pixels (1 px = 1/96 in) from its root `width`/`height` attributes. */
export function svgSize(svg: string): { width: number; height: number } {
  const root = /<svg\b[^>]*>/.exec(svg)?.[0] ?? '';
  const attr = (name: string) => {
    const m = new RegExp(`\\s${name}="([\\d.]+)(px|in)?"`).exec(root);
    if (!m) return Number.NaN;
    return Number(m[1]) * (m[2] === 'in' ? 96 : 1);
  };
  return { width: attr('width'), height: attr('height') };
}

/**
 * SVG → single-page vector PDF (PDFKit + svg-to-pdfkit), the page exactly the SVG's size
 * (1 CSS px = 0.75 pt). Every text is set in the shipped DejaVu Sans (bold where the SVG asks for bold),
 * embedded as a subset, so the PDF needs no fonts where it is opened or printed.
 */
export function svgToPdf(svg: string): Promise<Uint8Array> {
  const { width, height } = svgSize(svg);
  if (!(width > 0 && height > 0)) throw new Error('svgToPdf: the SVG has no numeric width/height');
  const page: [number, number] = [width * 0.75, height * 0.75];
  const fonts = figureFontFiles();
  // `font`: start on the shipped font, so PDFKit never loads its built-in Helvetica metrics.
  const doc = new PDFDocument({
    size: page,
    margin: 0,
    font: fonts.regular,
    info: { Creator: 'unet3d-bench' },
  });
  doc.registerFont('figure', fonts.regular);
  doc.registerFont('figure-bold', fonts.bold);
  const chunks: Buffer[] = [];
  const done = new Promise<Uint8Array>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
    doc.on('error', reject);
  });
  SVGtoPDF(doc as unknown as typeof PDFDocument, svg, 0, 0, {
    width: page[0],
    height: page[1],
    preserveAspectRatio: 'xMinYMin meet',
    fontCallback: (_family, bold) => (bold ? 'figure-bold' : 'figure'),
  });
  doc.end();
  return done;
}
