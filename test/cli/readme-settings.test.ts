// README.md's settings table is the one generated from the settings schema (`npm run docs:settings` rewrites it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { settingsBlock, updateReadme } from '../../src/cli/readme-settings';

test("README.md's settings table matches the schema", () => {
  const readme = fs.readFileSync(path.join(__dirname, '../../../README.md'), 'utf8');
  assert.ok(readme.includes(settingsBlock()), 'README.md settings table is out of date: run `npm run docs:settings`');
  assert.equal(updateReadme(readme), readme);
  // The table has one row per setting, with both profiles' defaults where they differ.
  assert.match(settingsBlock(), /\| `fawa\.threshold` \(`fawaThreshold`\) \|  \| 0\.2 \| 0\.24 \|/);
  assert.match(settingsBlock(), /\| `ema\.begin` \(`emaBegin`\) \|  \| round\(0\.25·epochs\) \(50 of 200\) \| 0 \|/);
  assert.throws(() => updateReadme('no markers'), /markers of the settings table are missing/);
});
