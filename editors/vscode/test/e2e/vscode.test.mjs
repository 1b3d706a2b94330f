// The extension in a real VS Code: code-server (VS Code in a browser) with the packaged
// .vsix installed, driven by Playwright in Debian's Chromium as a user would drive it.
//
// Run by .ci/vscode-e2e.sh, which installs code-server, Node 24 and playwright-core and
// sets: ENGC_BIN (the engc binary), ENGC_VSIX (the package), CODE_SERVER (its launcher),
// CHROMIUM (the browser), E2E_ARTIFACTS (where screenshots go), EXAMPLES (examples/).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

const need = (name) => {
  const v = process.env[name];
  if (!v) {
    throw new Error(`${name} is not set (run .ci/vscode-e2e.sh)`);
  }
  return v;
};
const ENGC_BIN = need('ENGC_BIN');
const VSIX = need('ENGC_VSIX');
const CODE_SERVER = need('CODE_SERVER');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const ARTIFACTS = process.env.E2E_ARTIFACTS || fs.mkdtempSync(path.join(os.tmpdir(), 'engc-vscode-shots-'));
const EXAMPLES = need('EXAMPLES');
fs.mkdirSync(ARTIFACTS, { recursive: true });

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'engc-vscode-e2e-'));
/** One extensions folder for every session: the .vsix is installed once. */
const extensionsDir = path.join(scratch, 'extensions');
let browser;

before(async () => {
  const r = spawnSync(CODE_SERVER, ['--extensions-dir', extensionsDir, '--install-extension', VSIX], {
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, `install-extension failed:\n${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /successfully installed/);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});

after(async () => {
  await browser?.close();
  if (!process.env.E2E_KEEP) {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  console.log(`screenshots: ${ARTIFACTS}`);
});

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/** An executable script that records each start in `log` and then runs `body`. */
function script(name, log, body) {
  const p = path.join(scratch, name);
  fs.writeFileSync(p, `#!/bin/sh\necho started >> '${log}'\n${body}\n`, { mode: 0o755 });
  return p;
}

/**
 * A VS Code session: its own user data (user and machine settings), a workspace with
 * the examples, code-server on a free port and a page in Chromium.
 */
async function session(name, { machine = {}, workspaceSettings, trust = false } = {}) {
  const dir = path.join(scratch, name);
  const userData = path.join(dir, 'user-data');
  const ws = path.join(dir, 'workspace');
  fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
  fs.mkdirSync(path.join(userData, 'Machine'), { recursive: true });
  fs.mkdirSync(ws, { recursive: true });
  for (const f of fs.readdirSync(EXAMPLES)) {
    if (f.endsWith('.eng')) {
      fs.copyFileSync(path.join(EXAMPLES, f), path.join(ws, f));
    }
  }
  fs.writeFileSync(
    path.join(userData, 'User', 'settings.json'),
    JSON.stringify({
      'workbench.startupEditor': 'none',
      'workbench.secondarySideBar.defaultVisibility': 'hidden',
      'workbench.tips.enabled': false,
      'workbench.enableExperiments': false,
      'telemetry.telemetryLevel': 'off',
      'extensions.autoCheckUpdates': false,
      'extensions.autoUpdate': false,
      'update.mode': 'none',
      'chat.disableAIFeatures': true,
      'editor.hover.delay': 100,
      'editor.quickSuggestions': { other: false, comments: false, strings: false },
      // Enter ends the typed line even when a suggestion list opened late (a loaded
      // machine): it never replaces the word typed (`buckt`) by a suggestion.
      'editor.acceptSuggestionOnEnter': 'off',
      'security.workspace.trust.enabled': trust,
      'security.workspace.trust.startupPrompt': 'always',
    })
  );
  // In a remote window (code-server is one) machine-scoped settings live here.
  fs.writeFileSync(path.join(userData, 'Machine', 'settings.json'), JSON.stringify(machine));
  if (workspaceSettings) {
    fs.mkdirSync(path.join(ws, '.vscode'));
    fs.writeFileSync(path.join(ws, '.vscode', 'settings.json'), JSON.stringify(workspaceSettings));
  }
  const port = await freePort();
  const args = [
    '--user-data-dir', userData,
    '--extensions-dir', extensionsDir,
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    ...(trust ? [] : ['--disable-workspace-trust']),
    ws,
  ];
  const server = spawn(CODE_SERVER, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let serverLog = '';
  server.stdout.on('data', (d) => (serverLog += d));
  server.stderr.on('data', (d) => (serverLog += d));
  await new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`code-server did not start:\n${serverLog}`)), 60000);
    const check = () => {
      if (/HTTP server listening/.test(serverLog)) {
        clearTimeout(t);
        resolve();
      } else {
        setTimeout(check, 100);
      }
    };
    check();
  });
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(ws)}`);
  await page.waitForSelector('.monaco-workbench .part.editor', { timeout: 60000 });
  // Ready when the explorer lists the workspace.
  if (!trust) {
    await waitForText(page, '.explorer-folders-view', /quickstart\.eng/, 60000);
  }
  return {
    page,
    ws,
    userData,
    shot: (label) => page.screenshot({ path: path.join(ARTIFACTS, `${name}-${label}.png`) }),
    async close() {
      await page.screenshot({ path: path.join(ARTIFACTS, `${name}-last.png`) }).catch(() => undefined);
      await context.close();
      server.kill();
      await new Promise((r) => (server.exitCode !== null ? r() : server.on('exit', r)));
    },
  };
}

async function openFile(page, name) {
  const tab = page.locator(`.tab.active[data-resource-name="${name}"]`);
  for (let attempt = 0; attempt < 3 && !(await tab.isVisible()); attempt++) {
    await page.keyboard.press('Control+P');
    const input = page.locator('.quick-input-widget input.input').first();
    await input.waitFor({ state: 'visible' });
    await input.fill(name);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor();
    await page.keyboard.press('Enter');
    await tab.waitFor({ timeout: 10000 }).catch(() => undefined);
  }
  // On a loaded machine the editor can open after the last attempt's wait.
  await tab.waitFor({ timeout: 20000 });
  await page.locator('.editor-instance .monaco-editor .view-lines').first().click();
}

/** Opens the quick input with `key` and fills it with `text`. */
async function quickInput(page, key, text) {
  await page.keyboard.press(key);
  const input = page.locator('.quick-input-widget input.input').first();
  await input.waitFor({ state: 'visible' });
  await input.fill(text);
  await page.waitForTimeout(300);
}

async function gotoLine(page, line, column = 1) {
  await quickInput(page, 'Control+G', `:${line}:${column}`);
  await page.keyboard.press('Enter');
  await waitForText(page, '#status\\.editor\\.selection', new RegExp(`Ln ${line}, Col ${column}\\b`));
}

async function command(page, title) {
  await quickInput(page, 'F1', `>${title}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor();
  await page.keyboard.press('Enter');
}

/**
 * Types `text` on a new line and ends the line. Escape first closes the suggestion
 * list, which may have opened while typing (late on a loaded machine), so that Enter
 * ends the line instead of accepting a completion (`buckt` would become `bucket`).
 */
async function typeLine(page, text) {
  await page.keyboard.press('Enter');
  await page.keyboard.type(text);
  await page.waitForTimeout(200);
  await page.keyboard.press('Escape');
  await page.keyboard.press('Enter');
}

/** Waits until `selector`'s text matches; returns the text. */
async function waitForText(page, selector, pattern, timeout = 20000) {
  const end = Date.now() + timeout;
  let last = '';
  while (Date.now() < end) {
    last = await page
      .locator(selector)
      .allInnerTexts()
      .then((t) => t.join('\n'))
      .catch(() => '');
    if (pattern.test(last)) {
      return last;
    }
    await page.waitForTimeout(150);
  }
  throw new Error(`${selector} never matched ${pattern}; last text:\n${last}`);
}

/** The text of every notification, toasts and the notification centre alike. */
async function notifications(page) {
  return page
    .locator('.notification-list-item-message')
    .allInnerTexts()
    .catch(() => []);
}

/** Line number (1-based) of the first line of an example that contains `text`. */
function lineOf(file, text) {
  const lines = fs.readFileSync(path.join(EXAMPLES, file), 'utf8').split('\n');
  const i = lines.findIndex((l) => l.includes(text));
  assert.ok(i >= 0, `${file} has no line with ${text}`);
  return { line: i + 1, column: lines[i].indexOf(text) + 1, count: lines.length };
}

test('diagnostics, hover, completion and go to definition', async () => {
  const s = await session('features', { machine: { 'engc.path': ENGC_BIN } });
  const { page } = s;
  try {
    await openFile(page, 'quickstart.eng');
    // The server starts on open and reports the clean example as clean.
    await page.keyboard.press('Control+Shift+M');
    await waitForText(page, '.markers-panel-container, .pane-body.markers-panel', /No problems have been detected/);

    // Type an error at the end of the file: an unknown store kind.
    const { count } = lineOf('quickstart.eng', 'store data');
    await page.keyboard.press('Control+1');
    await page.keyboard.press('Control+End');
    await typeLine(page, 'store broken: buckt');
    const problems = await waitForText(page, '.markers-panel', /unknown store kind `buckt`/);
    assert.match(problems, /unknown store kind `buckt`/);
    await s.shot('problems');

    // The quick fix "did you mean" is offered on the error.
    await gotoLine(page, count + 1, 15);
    // Code actions are asked for once the cursor rests; Ctrl+. then lists them. On a
    // loaded machine the list can open empty before the answer: it is asked again.
    let fixes = '';
    for (let attempt = 1; attempt <= 3 && !fixes; attempt++) {
      await page.waitForTimeout(500 * attempt);
      await page.keyboard.press('Control+.');
      fixes = await waitForText(page, '.context-view .action-widget', /Replace with `bucket` \(E0104\)/, 7000)
        .catch(() => '');
      if (!fixes) {
        await page.keyboard.press('Escape');
      }
    }
    assert.match(fixes, /Replace with `bucket` \(E0104\)/);
    await s.shot('quick-fix');
    await page.keyboard.press('Escape');

    // Hover an abstract grant: what `read store data` grants on each cloud.
    const grant = lineOf('quickstart.eng', 'read store data');
    await gotoLine(page, grant.line, grant.column + 1);
    await page.keyboard.press('Control+K');
    await page.keyboard.press('Control+I');
    const hover = await waitForText(page, '.monaco-hover', /s3:GetObject/);
    assert.match(hover, /storage\.objects\.get/);
    await s.shot('hover');
    await page.keyboard.press('Escape');

    // Completion opens after `store x: ` by itself (trigger characters) and offers kinds.
    await page.keyboard.press('Control+End');
    await page.keyboard.type('store fresh: ');
    const suggest = await waitForText(page, '.suggest-widget.visible', /bucket/);
    assert.match(suggest, /dynamodb/);
    const kindIcon = await page.locator('.suggest-widget.visible .monaco-list-row .suggest-icon').first().getAttribute('class');
    assert.match(kindIcon, /codicon-symbol-class/, `store kinds are shown as classes: ${kindIcon}`);
    await s.shot('completion');
    await page.keyboard.press('Escape');

    // Go to definition from a use of `data` to its declaration.
    const decl = lineOf('quickstart.eng', 'store data: bucket');
    const use = lineOf('quickstart.eng', 'read store data');
    await gotoLine(page, use.line, use.column + 'read store '.length + 1);
    await page.keyboard.press('F12');
    await waitForText(page, '#status\\.editor\\.selection', new RegExp(`Ln ${decl.line}, Col`));
    await s.shot('definition');

    // Outline: the document's symbols reach the explorer's outline view.
    await command(page, 'Explorer: Focus on Outline View');
    await waitForText(page, '.pane-body', /main\s*10\.20\.0\.0\/16/);
  } finally {
    await s.close();
  }
});

test('restarts reuse one output channel and run one at a time', async () => {
  const s = await session('restart', { machine: { 'engc.path': ENGC_BIN } });
  const { page } = s;
  try {
    await openFile(page, 'quickstart.eng');
    await page.keyboard.press('Control+Shift+M');
    await waitForText(page, '.markers-panel', /No problems have been detected/);
    // Moving the cursor between restarts makes VS Code ask for code actions (the light
    // bulb) while a server starts and stops: a request that waited for a start that the
    // next restart stopped must be answered empty, not logged as failed.
    const moveCursor = async () => {
      for (const key of ['ArrowDown', 'ArrowDown', 'ArrowUp']) {
        await page.keyboard.press(key);
        await page.waitForTimeout(40);
      }
    };
    for (let i = 0; i < 6; i++) {
      await command(page, 'engc: Restart the language server');
      await moveCursor();
      await page.waitForTimeout(180);
    }
    // Several changes to engc.path at once (as the Settings UI sends them).
    const machine = path.join(s.userData, 'Machine', 'settings.json');
    const link = path.join(scratch, 'engc-link');
    fs.rmSync(link, { force: true });
    fs.symlinkSync(ENGC_BIN, link);
    // Written whole and renamed into place, as the Settings UI and editors save: a
    // file truncated by writeFileSync can be read empty, which is a real change of
    // engc.path back to `engc` (not on this PATH) and shows that message.
    const tmp = `${machine}.tmp`;
    for (const p of [link, ENGC_BIN, link, ENGC_BIN, link]) {
      fs.writeFileSync(tmp, JSON.stringify({ 'engc.path': p }));
      fs.renameSync(tmp, machine);
      await moveCursor();
    }
    await page.waitForTimeout(3000);
    // The server still answers: a new error shows up.
    await page.keyboard.press('Control+1');
    await page.keyboard.press('Control+End');
    await typeLine(page, 'store again: buckt');
    await waitForText(page, '.markers-panel', /unknown store kind `buckt`/);
    // The output channels, filtered to engc's: one, however often it restarted.
    await command(page, 'Output: Show Output Channels');
    const input = page.locator('.quick-input-widget input.input').first();
    await input.fill('engc');
    await page.waitForTimeout(500);
    const rows = await page.locator('.quick-input-list .monaco-list-row .label-name').allInnerTexts();
    assert.deepEqual(rows.filter((r) => r.trim() === 'engc'), ['engc'], `output channels: ${rows.join(', ')}`);
    await page.keyboard.press('Enter');
    const log = await waitForText(page, '.output-view .view-lines, .panel .view-lines', /./);
    assert.doesNotMatch(log, /failed|state is: starting/i);
    assert.deepEqual(await notifications(page), [], 'restarts show no message');
    await s.shot('after-restarts');
  } finally {
    await s.close();
  }
});

test('a missing binary gives one message naming the command and the fix', async () => {
  const s = await session('missing', { machine: { 'engc.path': path.join(scratch, 'no-such-engc') } });
  const { page } = s;
  try {
    await openFile(page, 'quickstart.eng');
    await waitForText(page, '.notification-list-item-message', /could not start/);
    await page.waitForTimeout(3000);
    const shown = await notifications(page);
    assert.equal(shown.length, 1, `one message, got: ${JSON.stringify(shown)}`);
    assert.match(shown[0], /no-such-engc lsp/);
    assert.match(shown[0], /engc\.path/);
    await s.shot('missing');
  } finally {
    await s.close();
  }
});

test('a server that exits at once is not restarted and its words are shown', async () => {
  const starts = path.join(scratch, 'old-engc.starts');
  const old = script('old-engc', starts, `echo "error: unexpected argument '--stdio' found" >&2\nexit 2`);
  const s = await session('exits', { machine: { 'engc.path': old } });
  const { page } = s;
  try {
    await openFile(page, 'quickstart.eng');
    await waitForText(page, '.notification-list-item-message', /exited before the language server started/);
    await page.waitForTimeout(4000);
    const shown = await notifications(page);
    assert.equal(shown.length, 1, `one message, got: ${JSON.stringify(shown)}`);
    assert.match(shown[0], /unexpected argument/);
    assert.doesNotMatch(shown[0], /crashed/);
    assert.equal(fs.readFileSync(starts, 'utf8').trim().split('\n').length, 1, 'started once');
    await s.shot('exits');
  } finally {
    await s.close();
  }
});

test("a workspace's settings cannot choose the program that runs", async () => {
  for (const trust of [false, true]) {
    const marker = path.join(scratch, `evil-ran-${trust}`);
    const evil = script(`evil-${trust}`, marker, 'exit 0');
    const s = await session(`workspace-${trust ? 'untrusted' : 'trusted'}`, {
      machine: { 'engc.path': ENGC_BIN },
      workspaceSettings: { 'engc.path': evil },
      trust,
    });
    const { page } = s;
    try {
      if (trust) {
        // The trust prompt: decline, so the window is in restricted mode.
        const decline = page.getByRole('button', { name: /No, I don't trust the authors/ });
        await decline.click({ timeout: 30000 });
        await waitForText(page, '.statusbar, .banner', /Restricted Mode/);
      }
      await openFile(page, 'quickstart.eng');
      await page.keyboard.press('Control+End');
      await typeLine(page, 'store broken: buckt');
      await page.keyboard.press('Control+Shift+M');
      await waitForText(page, '.markers-panel', /unknown store kind `buckt`/);
      assert.equal(fs.existsSync(marker), false, 'the workspace-named program never ran');
      await s.shot('diagnostics');
    } finally {
      await s.close();
    }
  }
});
