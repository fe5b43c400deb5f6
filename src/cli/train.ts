// `cfa train` (being written).
import { UserError } from '../errors';

export const summary = 'train (not available yet)';

export async function run(_argv: string[]): Promise<number> {
  throw new UserError('cfa train is not available in this build yet');
}
