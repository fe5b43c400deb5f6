// `cfa eval` (being written).
import { UserError } from '../errors';

export const summary = 'eval (not available yet)';

export async function run(_argv: string[]): Promise<number> {
  throw new UserError('cfa eval is not available in this build yet');
}
