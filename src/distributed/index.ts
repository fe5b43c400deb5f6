// Data-parallel runs over libtorch's c10d process groups: the group (Collective), torchrun's environment variables,
// the local launcher and the data-parallel helpers.
export * from './group';
export * from './env';
export * from './launch';
export * from './data-parallel';
