// Errors caused by the user's input (files, flags, configs). The CLI prints their message alone, without a stack.

export class UserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserError';
  }
}

/** Throws a UserError naming the field and what was expected unless cond holds. */
export function expect(cond: unknown, field: string, expected: string, got?: unknown): asserts cond {
  if (!cond) throw new UserError(`${field}: expected ${expected}${got === undefined ? '' : `, got ${JSON.stringify(got)}`}`);
}
