/**
 * How many z slices a TIFF's own metadata says it holds, from the first page's ImageDescription (tag 270).
 *
 * Two writers record it, and both may store the slices after one IFD instead of one IFD per slice (ImageJ
 * past 4 GB and `tifffile.imwrite(..., imagej=True, truncate=True)`; tifffile's `truncate=True`): a reader
 * that only walks IFDs then sees one slice. The same metadata also says when the pages are not z slices at
 * all (channels, time points of a z-stack), which page counting cannot tell.
 */
export type StackMetadata =
  /** A grayscale stack of `images` slices (in ImageJ, z slices or, with one slice, time points). */
  | { kind: 'stack'; writer: 'ImageJ' | 'tifffile'; images: number }
  /** Not one grayscale z-stack: `problem` says what it is, `hint` what to give instead. */
  | { kind: 'refuse'; problem: string; hint: string }
  /** No metadata we read: the pages are the slices. */
  | { kind: 'none' };

const SPLIT_HINT =
  'give one grayscale z-stack: split the channels or time points into their own stacks (ImageJ: ' +
  "Image › Color › Split Channels, Image › Duplicate), or write z slices with tifffile's metadata={'axes': 'ZYX'}";

function positiveInt(value: string | undefined): number | undefined {
  if (value === undefined || !/^\s*\d+\s*$/.test(value)) return undefined;
  const n = Number(value);
  return n >= 1 ? n : undefined;
}

/** ImageJ's `key=value` lines (ImageJ=1.54f, images=60, channels=2, slices=30, frames=1, hyperstack=true, …). */
function imagejStack(description: string): StackMetadata {
  const fields = new Map<string, string>();
  for (const line of description.split(/\r?\n/)) {
    const eq = line.indexOf('=');
    if (eq > 0) fields.set(line.slice(0, eq).trim(), line.slice(eq + 1));
  }
  const channels = positiveInt(fields.get('channels')) ?? 1;
  const slices = positiveInt(fields.get('slices')) ?? 1;
  const frames = positiveInt(fields.get('frames')) ?? 1;
  const product = channels * slices * frames;
  const images = positiveInt(fields.get('images')) ?? product;
  if (channels > 1) {
    const of = slices * frames > 1 ? ` × ${slices * frames} ${frames > 1 ? 'frames' : 'slices'}` : '';
    return {
      kind: 'refuse',
      problem: `ImageJ hyperstack of ${channels} channels${of}; a volume is one grayscale z-stack`,
      hint: SPLIT_HINT,
    };
  }
  if (frames > 1 && slices > 1) {
    return {
      kind: 'refuse',
      problem: `ImageJ hyperstack of ${frames} frames of ${slices} slices; a volume is one grayscale z-stack`,
      hint: SPLIT_HINT,
    };
  }
  if (product > 1 && product !== images) {
    return {
      kind: 'refuse',
      problem: `ImageJ metadata says images=${images} but channels × slices × frames = ${product}`,
      hint: 'the ImageJ header is inconsistent; re-save the stack from ImageJ or Fiji',
    };
  }
  return { kind: 'stack', writer: 'ImageJ', images };
}

/** tifffile's JSON description, `{"shape": [D, H, W], ...}`, for a page of `height` × `width` samples. */
function tifffileStack(description: string, height: number, width: number): StackMetadata {
  let shape: unknown;
  try {
    shape = (JSON.parse(description) as { shape?: unknown }).shape;
  } catch {
    return { kind: 'none' };
  }
  if (!Array.isArray(shape) || !shape.every((n) => Number.isInteger(n) && n >= 0)) return { kind: 'none' };
  const dims = shape as number[];
  // A description for other pages (another series, or a page of another size) says nothing about these.
  if (dims.length < 2 || dims.at(-2) !== height || dims.at(-1) !== width) return { kind: 'none' };
  const leading = dims.slice(0, -2);
  if (leading.filter((n) => n !== 1).length > 1) {
    return {
      kind: 'refuse',
      problem: `tifffile array of shape (${dims.join(', ')}), ${dims.length}-D; a volume is one 3-D (z, y, x) stack`,
      hint: 'write one 3-D (z, y, x) array per file',
    };
  }
  return { kind: 'stack', writer: 'tifffile', images: leading.reduce((a, b) => a * b, 1) };
}

/**
 * Read the stack metadata of a page of `height` × `width` single-sample pixels from its ImageDescription:
 * ImageJ's (`ImageJ=…` lines: images, channels, slices, frames) or tifffile's (`{"shape": …}`). ImageJ
 * hyperstacks with channels, or with frames and slices, and tifffile arrays of more than three dimensions
 * are refused, since their pages are not z slices; anything else is `none`.
 */
export function stackMetadata(description: string | undefined, height: number, width: number): StackMetadata {
  if (!description) return { kind: 'none' };
  const text = description.replace(/\0+$/, '');
  if (text.startsWith('ImageJ=')) return imagejStack(text);
  if (text.trimStart().startsWith('{')) return tifffileStack(text, height, width);
  return { kind: 'none' };
}
