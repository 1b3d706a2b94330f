// The engc extension: starts `engc lsp` and connects VS Code to it. Everything the
// editor shows (diagnostics, hover, completion, go to definition, references, rename,
// quick fixes, outline, formatting) comes from the server.
//
// Lifecycle rules, each learnt in a real VS Code:
// - the server is started as `engc lsp` with no transport argument (stdio is engc's
//   only transport; older engc refused `--stdio`);
// - one "engc" output channel for the whole session, shared by every client;
// - restarts run one at a time, and requests that arrive while one waits join it;
// - an editor request caught by a restart gets an empty answer, not an error;
// - a server that cannot start, or exits before it answers `initialize`, is not
//   restarted: the user gets one message with the command and what to do.
'use strict';

const fs = require('fs');
const path = require('path');
const vscode = require('vscode');
const { LanguageClient, CloseAction, ErrorAction } = require('vscode-languageclient/node');

/** How much of the server's last output a failure message quotes. */
const TAIL_CHARS = 600;
/** A running server that crashes more often than this in three minutes stays down. */
const MAX_CRASHES = 4;

/** The binary to run: the user's `engc.path` (machine scope: never a workspace's). */
function serverCommand() {
  const configured = vscode.workspace.getConfiguration('engc').get('path');
  return typeof configured === 'string' && configured.trim() !== '' ? configured.trim() : 'engc';
}

/**
 * The session's output channel, wrapped so that what the server writes to stderr is
 * also kept, to quote in a failure message. The client writes the server's stderr with
 * `append` and its own log lines with `appendLine`, so only `append` is kept.
 */
class TeeChannel {
  /** @param {vscode.OutputChannel} channel */
  constructor(channel) {
    this.channel = channel;
    this.name = channel.name;
    this.tail = '';
  }
  clearTail() {
    this.tail = '';
  }
  /** The last lines the server wrote to stderr. */
  serverOutput() {
    const lines = this.tail.split(/\r?\n/).filter((l) => l.trim() !== '' && !/^\[LSP\s*-/.test(l));
    return lines.join('\n').slice(-TAIL_CHARS).trim();
  }
  append(text) {
    this.tail = (this.tail + text).slice(-4 * TAIL_CHARS);
    this.channel.append(text);
  }
  appendLine(text) {
    this.channel.appendLine(text);
  }
  replace(text) {
    this.channel.replace(text);
  }
  clear() {
    this.channel.clear();
  }
  show(a, b) {
    this.channel.show(a, b);
  }
  hide() {
    this.channel.hide();
  }
  // Clients never own the channel: it outlives them.
  dispose() {}
}

/**
 * Where `command` resolves to, as spawn would find it: an executable file, by path or
 * on PATH; undefined when there is none.
 * @param {string} command
 */
function resolveCommand(command) {
  const isExecutable = (p) => {
    try {
      const st = fs.statSync(p);
      if (!st.isFile()) {
        return false;
      }
      fs.accessSync(p, fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  };
  if (command.includes('/') || command.includes(path.sep)) {
    return isExecutable(command) ? command : undefined;
  }
  const exts = process.platform === 'win32' ? (process.env.PATHEXT || '.EXE').split(';') : [''];
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    for (const ext of exts) {
      const candidate = path.join(dir, command + ext);
      if (dir && isExecutable(candidate)) {
        return candidate;
      }
    }
  }
  return undefined;
}

/** A client that leaves start-up failures to the extension, which reports them once. */
class EngcClient extends LanguageClient {
  error(message, data, showNotification) {
    // The library logs every server exit as an error, a clean stop on restart too.
    if (message === 'Server process exited with code 0.') {
      return this.info(message, data, false);
    }
    super.error(message, data, this.starting ? false : showNotification);
  }

  handleFailedRequest(type, token, error, defaultValue, showNotification = true) {
    // A request that waited for this client's start, which a restart then stopped: the
    // library rejects it with a plain "Starting server failed" instead of as an inactive
    // connection. Like a request pending when a connection closes, it gets the default.
    if (this.retired) {
      this.info(`${type.method}: answered empty, the server was stopped by a restart`, undefined, false);
      return defaultValue;
    }
    return super.handleFailedRequest(type, token, error, defaultValue, showNotification);
  }
}

class Extension {
  /** @param {vscode.ExtensionContext} context */
  constructor(context) {
    this.context = context;
    this.channel = vscode.window.createOutputChannel('engc');
    context.subscriptions.push(this.channel);
    this.output = new TeeChannel(this.channel);
    /** @type {EngcClient | undefined} */
    this.client = undefined;
    this.queue = Promise.resolve();
    this.restartWaiting = false;
  }

  /** Serialized: a restart waits for the one before it; waiting requests merge. */
  restart() {
    if (this.restartWaiting) {
      return this.queue;
    }
    this.restartWaiting = true;
    this.queue = this.queue
      .then(async () => {
        this.restartWaiting = false;
        await this.stop();
        await this.start();
      })
      .catch((err) => this.output.appendLine(`restart failed: ${describe(err)}`));
    return this.queue;
  }

  /**
   * Sends the `engc` settings to the running server. Done here, in the queue, rather than
   * by the client's own configuration sync, which would also fire on a client that a
   * restart for the same change is disposing.
   */
  sendSettings() {
    this.queue = this.queue.then(async () => {
      const client = this.client;
      if (client && client.isRunning()) {
        const set = vscode.workspace.getConfiguration('engc').get('set') || {};
        await client
          .sendNotification('workspace/didChangeConfiguration', { settings: { engc: { set } } })
          .catch((err) => this.output.appendLine(`sending settings failed: ${describe(err)}`));
      }
    });
    return this.queue;
  }

  async stop() {
    const client = this.client;
    this.client = undefined;
    if (client) {
      client.retired = true;
      // dispose() stops a running server and frees the client's diagnostics.
      await client.dispose(2000).catch(() => undefined);
    }
  }

  async start() {
    const command = serverCommand();
    if (resolveCommand(command) === undefined) {
      this.reportMissing(command);
      return;
    }
    const client = this.createClient(command);
    this.client = client;
    this.output.clearTail();
    client.starting = true;
    try {
      await client.start();
      client.starting = false;
    } catch (err) {
      // Still `starting` while it is disposed: what the dying connection reports is
      // logged, and the one message is the one below.
      if (this.client === client) {
        this.client = undefined;
      }
      client.retired = true;
      await client.dispose(2000).catch(() => undefined);
      await this.reportStartFailure(command, err);
    }
  }

  /** @param {string} command */
  createClient(command) {
    const ext = this;
    const crashes = [];
    const serverOptions = { command, args: ['lsp'] };
    const clientOptions = {
      documentSelector: [
        { scheme: 'file', language: 'eng' },
        { scheme: 'untitled', language: 'eng' },
      ],
      outputChannel: this.output,
      initializationOptions: {
        set: vscode.workspace.getConfiguration('engc').get('set') || {},
      },
      // No retry and no message of the library's own: start() reports the failure.
      initializationFailedHandler: () => false,
      errorHandler: {
        // Write errors (EPIPE from a server that is gone) are logged; start-up failures
        // are reported by start(), and a running connection that keeps failing once.
        error: (error, _message, count) => {
          if ((count && count <= 3) || client.starting) {
            return { action: ErrorAction.Continue, handled: true };
          }
          ext.notify(
            `engc: the connection to \`${command} lsp\` keeps failing (${describe(error)}); the server was stopped. ` +
              'Run "engc: Restart the language server" to start it again.'
          );
          return { action: ErrorAction.Shutdown, handled: true };
        },
        closed: () => {
          // Before `initialize` was answered: start() fails and the extension reports it.
          if (client.starting || client.initializeResult === undefined) {
            return { action: CloseAction.DoNotRestart, handled: true };
          }
          const now = Date.now();
          crashes.push(now);
          while (crashes.length > 0 && now - crashes[0] > 3 * 60 * 1000) {
            crashes.shift();
          }
          if (crashes.length <= MAX_CRASHES) {
            return { action: CloseAction.Restart, handled: true };
          }
          ext.reportCrashes(command);
          return { action: CloseAction.DoNotRestart, handled: true };
        },
      },
    };
    const client = new EngcClient('engc', 'engc', serverOptions, clientOptions);
    return client;
  }

  /** @param {string} command */
  reportMissing(command) {
    this.notify(
      `engc: could not start \`${command} lsp\`: no program \`${command}\` was found` +
        (command.includes('/') ? '' : ' on PATH') +
        '. Install engc (`cargo install --path .` in the engc repository) so that it is on PATH, ' +
        'or set `engc.path` in your user settings (in a remote window: the remote settings) to the full path of the binary.'
    );
  }

  /** @param {string} command @param {unknown} err */
  async reportStartFailure(command, err) {
    // The connection can fail (EPIPE) before the dying server's stderr has been read.
    for (let waited = 0; waited < 1000 && this.output.serverOutput() === ''; waited += 50) {
      await new Promise((r) => setTimeout(r, 50));
    }
    const said = this.output.serverOutput();
    this.notify(
      `engc: \`${command} lsp\` exited before the language server started` +
        (said ? `; it said: ${said}` : ` (${describe(err)})`) +
        '. Check that `engc.path` names engc 0.1 or later (try `' +
        `${command} lsp --help\` in a terminal), then run "engc: Restart the language server".`
    );
  }

  /** @param {string} command */
  reportCrashes(command) {
    const said = this.output.serverOutput();
    const message =
      `engc: \`${command} lsp\` stopped ${MAX_CRASHES + 1} times in three minutes and will not be restarted` +
      (said ? `; it said: ${said}` : '') +
      '. Run "engc: Restart the language server" to try again, and report the output if it repeats.';
    this.notify(message);
  }

  /** Logs `message` and shows it once, with the two ways out. @param {string} message */
  notify(message) {
    this.output.appendLine(message);
    void vscode.window.showErrorMessage(message, 'Open Settings', 'Show Output').then((choice) => {
      if (choice === 'Open Settings') {
        void vscode.commands.executeCommand('workbench.action.openSettings', 'engc.path');
      } else if (choice === 'Show Output') {
        this.channel.show(true);
      }
    });
  }
}

/** @param {unknown} err */
function describe(err) {
  return err && typeof err === 'object' && 'message' in err ? String(/** @type {any} */ (err).message) : String(err);
}

/** @type {Extension | undefined} */
let extension;

/** @param {vscode.ExtensionContext} context */
async function activate(context) {
  extension = new Extension(context);
  const ext = extension;
  context.subscriptions.push(
    vscode.commands.registerCommand('engc.restartServer', () => ext.restart()),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('engc.path')) {
        void ext.restart();
      } else if (e.affectsConfiguration('engc.set')) {
        void ext.sendSettings();
      }
    })
  );
  await ext.restart();
}

function deactivate() {
  return extension ? extension.queue.then(() => extension.stop()) : undefined;
}

module.exports = { activate, deactivate };
