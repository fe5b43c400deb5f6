// The on-disk formats shared by training (writer), evaluation and reports (readers), and atomic file writes.
// Depends on nothing else in the project, so that every stage can import it.
export * from './run';
export * from './eval-result';
export * from './atomic';
