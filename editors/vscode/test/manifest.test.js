// The extension's manifest and package, without VS Code: what a workspace may not
// configure, and what ships. (The behaviour is tested in a real VS Code: test/e2e.)
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8'));

test('engc.path is a machine setting: no workspace chooses the program to run', () => {
  const setting = manifest.contributes.configuration.properties['engc.path'];
  assert.equal(setting.scope, 'machine');
});

test('untrusted workspaces: limited support, with engc.path restricted', () => {
  const untrusted = manifest.capabilities.untrustedWorkspaces;
  assert.equal(untrusted.supported, 'limited');
  assert.deepEqual(untrusted.restrictedConfigurations, ['engc.path']);
  assert.ok(untrusted.description.length > 0);
});

test('the server is started without a transport argument', () => {
  const source = fs.readFileSync(path.join(__dirname, '..', 'extension.js'), 'utf8');
  assert.doesNotMatch(source, /TransportKind/);
  assert.match(source, /args: \['lsp'\]/);
});
