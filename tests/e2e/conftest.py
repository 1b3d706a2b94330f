"""A real LSP client (pytest-lsp, on pygls) driving the built `engc lsp` binary.

The binary is `$ENGC_BIN`, else the debug build of this repository (scripts/built.py). Each test gets
its own server process and its own folder of `.eng` files.
"""

import os
import pathlib
import sys

import pytest
import pytest_lsp
from lsprotocol import types
from pygls.protocol import default_converter
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import built  # noqa: E402

ENGC = os.environ.get("ENGC_BIN") or built.engc("debug")

if not pathlib.Path(ENGC).exists():
    sys.exit(f"engc binary not found at {ENGC}: build it (cargo build) or set ENGC_BIN")


def publish_diagnostics(client: LanguageClient, params: types.PublishDiagnosticsParams):
    """pytest-lsp's record of diagnostics, with the version each list is for."""
    client.diagnostics[params.uri] = params.diagnostics
    client.versions[params.uri] = params.version


def register_capability(client: LanguageClient, params: types.RegistrationParams):
    """engc registers a watcher for `**/*.eng` when the client allows it."""
    client.registrations.extend(params.registrations)


def make_client() -> LanguageClient:
    client = LanguageClient(converter_factory=default_converter)
    client.versions = {}
    client.registrations = []
    features = dict(DEFAULT_CLIENT_FEATURES)
    features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = publish_diagnostics
    features[types.CLIENT_REGISTER_CAPABILITY] = register_capability
    register_lsp_features(client, features)
    return client


@pytest_lsp.fixture(
    params=["visual-studio-code", "neovim"],
    config=ClientServerConfig(server_command=[ENGC, "lsp"], client_factory=make_client),
)
async def client(lsp_client: LanguageClient, request, tmp_path):
    # The capabilities real editors send (recorded by pytest-lsp).
    params = types.InitializeParams(
        capabilities=client_capabilities(request.param),
        root_uri=tmp_path.as_uri(),
        workspace_folders=[types.WorkspaceFolder(uri=tmp_path.as_uri(), name="w")],
    )
    result = await lsp_client.initialize_session(params)
    assert result.server_info.name == "engc"
    # UTF-16 unless the client offers another encoding first (Neovim offers UTF-8).
    lsp_client.encoding = result.capabilities.position_encoding or "utf-16"
    yield
    await lsp_client.shutdown_session()
