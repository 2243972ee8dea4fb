/** The part of an ONNX tensor the decoders read; ort-web and ort-node tensors both fit. */
export interface OutputTensor {
  data: ArrayLike<number>;
  dims: readonly number[];
}

export const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

export function requireOutput(
  outputs: Record<string, OutputTensor>,
  name: string | undefined,
  what: string,
): OutputTensor {
  const tensor = name ? outputs[name] : Object.values(outputs)[0];
  if (!tensor) {
    throw new Error(
      `The model has no output ${name ? `"${name}"` : ''} for ${what}; outputs are: ${Object.keys(outputs).join(', ')}`,
    );
  }
  return tensor;
}
