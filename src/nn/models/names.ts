// Architecture names accepted by configs and the CLI (without loading the networks).

export const ARCHS = ['prn18', 'prn18-frl', 'resnet18', 'wrn34-10', 'smallcnn'] as const;
export type Arch = (typeof ARCHS)[number];

/** Whether an architecture names a model plug-in file (CommonJS .js/.cjs) rather than a built-in network. */
export function isModelPlugin(arch: string): boolean {
  return /\.(c?js)$/i.test(arch);
}
