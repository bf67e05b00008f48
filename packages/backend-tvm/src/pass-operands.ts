import { type ConvPass, type ConvWorkload, convOutputShape, convWeightShape } from '@unet3d/core';

/** Input operand shapes of a pass, in the order referenceConv takes them. */
export function passOperandShapes(w: ConvWorkload, pass: ConvPass): [readonly number[], readonly number[]] {
  const x = w.input;
  const y = convOutputShape(w);
  const wt = convWeightShape(w);
  if (pass === 'forward') return [x, wt];
  if (pass === 'backwardData') return [y, wt];
  return [x, y];
}
