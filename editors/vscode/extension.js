// The engc extension: starts `engc lsp` and connects VS Code to it. Everything the
// editor shows (diagnostics, hover, completion, go to definition, references, rename,
// quick fixes, outline, formatting) comes from the server.
'use strict';

const vscode = require('vscode');
const { LanguageClient, TransportKind } = require('vscode-languageclient/node');

/** @type {LanguageClient | undefined} */
let client;

function serverCommand() {
  const configured = vscode.workspace.getConfiguration('engc').get('path');
  return typeof configured === 'string' && configured.trim() !== '' ? configured.trim() : 'engc';
}

function createClient() {
  const command = serverCommand();
  const serverOptions = {
    run: { command, args: ['lsp'], transport: TransportKind.stdio },
    debug: { command, args: ['lsp'], transport: TransportKind.stdio },
  };
  const clientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'eng' },
      { scheme: 'untitled', language: 'eng' },
    ],
    initializationOptions: {
      set: vscode.workspace.getConfiguration('engc').get('set') || {},
    },
    // Sends `workspace/didChangeConfiguration` with the `engc` section.
    synchronize: { configurationSection: 'engc' },
  };
  return new LanguageClient('engc', 'engc', serverOptions, clientOptions);
}

async function start() {
  client = createClient();
  try {
    await client.start();
  } catch (err) {
    const message = err && err.message ? err.message : String(err);
    vscode.window.showErrorMessage(
      `engc: could not start "${serverCommand()} lsp" (${message}). ` +
        'Install engc (cargo install --path . in the engc repository) or set "engc.path".'
    );
  }
}

/** @param {vscode.ExtensionContext} context */
async function activate(context) {
  context.subscriptions.push(
    vscode.commands.registerCommand('engc.restartServer', async () => {
      if (client) {
        await client.stop().catch(() => undefined);
      }
      await start();
    }),
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (e.affectsConfiguration('engc.path')) {
        await vscode.commands.executeCommand('engc.restartServer');
      }
    })
  );
  await start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
