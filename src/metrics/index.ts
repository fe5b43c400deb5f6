// Class-wise accuracy metrics shared by training, evaluation and reports; depends only on the formats' types.
export * from './classwise';
