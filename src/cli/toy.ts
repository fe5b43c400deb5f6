// `cfa toy` (being written).
import { UserError } from '../errors';

export const summary = 'toy (not available yet)';

export async function run(_argv: string[]): Promise<number> {
  throw new UserError('cfa toy is not available in this build yet');
}
