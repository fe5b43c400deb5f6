// The engine: tensors, autograd, functional nn ops, random numbers, devices and scoped memory.
export * from './tensor';
export * from './create';
export * from './random';
export * from './autograd';
export * from './device';
export * from './cpu';
export * as F from './functional';
export { tidy, keep, dispose, update } from './scope';
