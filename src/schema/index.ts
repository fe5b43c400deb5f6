// Declarative settings: a schema gives each setting's type, doc, range and default rule once; types, checks, flags,
// help texts and the README table come from it.
export * from './rules';
export * from './fields';
export * from './resolve';
export * from './docs';
