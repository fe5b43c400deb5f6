// Class-wise accuracy metrics shared by training, evaluation and reports; depends on nothing else.
export * from './classwise';
