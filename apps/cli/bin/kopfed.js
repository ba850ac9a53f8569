#!/usr/bin/env node
// The CLI is TypeScript run through tsx's require hook, like the rest of kopfed.
require('tsx/cjs/api').register();
require('../src/main.ts');
