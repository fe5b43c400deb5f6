#!/usr/bin/env node
// Rewrites the settings table of README.md from the settings schema (run after `npm run build`).
'use strict';
const fs = require('fs');
const path = require('path');
const { updateReadme } = require('../dist/src/cli/readme-settings');

const file = path.join(__dirname, '..', 'README.md');
const before = fs.readFileSync(file, 'utf8');
const after = updateReadme(before);
if (after !== before) fs.writeFileSync(file, after);
console.log(after === before ? 'README.md: settings table up to date' : 'README.md: settings table rewritten');
