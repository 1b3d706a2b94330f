"""End to end: open a file with errors, see diagnostics with the right ranges, fix it,
see them cleared; hover, complete, go to definition, references, code actions."""

import asyncio

from lsprotocol import types
from pytest_lsp import LanguageClient

DEPLOYMENT = """\
// Quickstart, with a comment that is not ASCII: é 🦀
deployment shop {
  clouds      aws, gcp
  managed_tag "shop.example/managed" = "true"
  name_prefix "shop"
  param external_id, namespace = "shop"
}

principal vendor {
  aws role "arn:aws:iam::111122223333:role/shop" external_id "${external_id}"
  gcp service_account "shop@${project_id}.iam.gserviceaccount.com"
  k8s service_account "shop-operator" in "${namespace}"
}

network main {
  cidr     10.20.0.0/16
  subnet a 10.20.0.0/20 zone "a"
}

engine cluster: eks create on main { namespace "shop" /* é🦀 */ components keda }

store data: bucket

access operate for vendor scoped {
  read store data
  manage engine cluster
  aws allow ["s3:GetObject"] on "*"
}
"""


ENCODING = {"utf-16": ("utf-16-le", 2), "utf-8": ("utf-8", 1), "utf-32": ("utf-32-le", 4)}


def position(text: str, needle: str, offset: int = 0, encoding="utf-16") -> types.Position:
    """Line and column of `needle` plus `offset` code units, in the negotiated encoding
    (UTF-16 code units unless the client offered another)."""
    codec, width = ENCODING[str(encoding)]
    at = text.index(needle)
    line = text.count("\n", 0, at)
    start = text.rfind("\n", 0, at) + 1
    col = len(text[start:at].encode(codec)) // width
    return types.Position(line=line, character=col + offset)


async def diagnostics_for(client: LanguageClient, uri: str, version: int):
    """Waits for the diagnostics of one version of a document."""
    for _ in range(100):
        await asyncio.wait_for(
            client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS), 30
        )
        if uri in client.diagnostics and client.versions.get(uri) == version:
            return client.diagnostics[uri]
    raise AssertionError(f"no diagnostics for version {version} of {uri}")


def open_doc(client: LanguageClient, path, text: str) -> str:
    path.write_text(text)
    uri = path.as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri, language_id="eng", version=1, text=text
            )
        )
    )
    return uri


def change_doc(client: LanguageClient, uri: str, version: int, text: str):
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


async def test_diagnostics_appear_then_clear(client: LanguageClient, tmp_path):
    bad = DEPLOYMENT.replace("components keda", "components kedaa").replace(
        "store data: bucket", "store data: buckett"
    )
    uri = open_doc(client, tmp_path / "shop.eng", bad)
    diags = await diagnostics_for(client, uri, 1)
    by_code = {d.code: d for d in diags}
    assert set(by_code) == {"E0104", "E0105"}, diags
    # The component sits after `é🦀` on its line: UTF-16 columns, not bytes.
    comp = by_code["E0105"]
    enc = client.encoding
    assert comp.range.start == position(bad, "kedaa", encoding=enc)
    assert comp.range.end == position(bad, "kedaa", 5, encoding=enc)
    if enc == "utf-16":
        # `é` is 2 bytes but 1 UTF-16 unit, `🦀` 4 bytes but 2 units.
        line = bad.splitlines()[comp.range.start.line]
        assert comp.range.start.character == len(line[: line.index("kedaa")].encode()) - 3
    assert comp.severity == types.DiagnosticSeverity.Error
    assert "did you mean `keda`" in comp.message
    kind = by_code["E0104"]
    assert kind.range.start == position(bad, "buckett")
    assert kind.range.end == position(bad, "buckett", 7)

    # Fixed: the list is published again, empty.
    change_doc(client, uri, 2, DEPLOYMENT)
    assert list(await diagnostics_for(client, uri, 2)) == []


async def test_quick_fix_from_did_you_mean(client: LanguageClient, tmp_path):
    bad = DEPLOYMENT.replace("components keda", "components kedaa")
    uri = open_doc(client, tmp_path / "shop.eng", bad)
    diags = await diagnostics_for(client, uri, 1)
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=diags[0].range,
            context=types.CodeActionContext(diagnostics=list(diags)),
        )
    )
    fix = next(a for a in actions if a.is_preferred)
    assert fix.kind == types.CodeActionKind.QuickFix
    edit = fix.edit.changes[uri][0]
    assert edit.new_text == "keda"
    assert edit.range == diags[0].range


async def test_hover(client: LanguageClient, tmp_path):
    uri = open_doc(client, tmp_path / "shop.eng", DEPLOYMENT)
    await diagnostics_for(client, uri, 1)

    async def hover(needle, offset=1):
        h = await client.text_document_hover_async(
            types.HoverParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                position=position(DEPLOYMENT, needle, offset, client.encoding),
            )
        )
        assert h is not None, needle
        return h.contents.value

    # An AWS action: the catalog's access level and resource types.
    text = await hover("s3:GetObject", 3)
    assert "s3:GetObject" in text and "Read" in text
    # An abstract grant: per cloud.
    text = await hover("read store data")
    assert "AWS" in text and "GCP" in text and "storage.objects.get" in text
    # A CIDR: range and size.
    text = await hover("10.20.0.0/20", 2)
    assert "10.20.15.255" in text and "4,096" in text
    # A name: its declaration.
    text = await hover("for vendor", 5)
    assert "principal vendor" in text
    # After `é🦀` on its line, in the negotiated encoding.
    text = await hover("keda }", 2)
    assert "component" in text and "keda" in text


async def completion_labels(client: LanguageClient, uri, at):
    """The labels the server completes at `at` (a list or a CompletionList)."""
    result = await client.text_document_completion_async(
        types.CompletionParams(text_document=types.TextDocumentIdentifier(uri=uri), position=at)
    )
    items = result.items if hasattr(result, "items") else result
    return [i.label for i in items]


async def test_completion(client: LanguageClient, tmp_path):
    text = DEPLOYMENT.replace('["s3:GetObject"]', '["s3:Get"]')
    uri = open_doc(client, tmp_path / "shop.eng", text)
    await diagnostics_for(client, uri, 1)
    labels = await completion_labels(client, uri, position(text, 's3:Get"', 6))
    assert "s3:GetObject" in labels
    assert all(label.startswith("s3:Get") for label in labels)

    # Declared stores after `read store `.
    text2 = text.replace("read store data", "read store ")
    change_doc(client, uri, 2, text2)
    await diagnostics_for(client, uri, 2)
    assert await completion_labels(client, uri, position(text2, "read store ", 11)) == ["data"]


async def test_definition_and_references(client: LanguageClient, tmp_path):
    uri = open_doc(client, tmp_path / "shop.eng", DEPLOYMENT)
    await diagnostics_for(client, uri, 1)
    at = types.TextDocumentIdentifier(uri=uri)
    defs = await client.text_document_definition_async(
        types.DefinitionParams(text_document=at, position=position(DEPLOYMENT, "on main", 4))
    )
    assert len(defs) == 1
    assert defs[0].uri == uri
    assert defs[0].range.start == position(DEPLOYMENT, "main {")
    refs = await client.text_document_references_async(
        types.ReferenceParams(
            text_document=at,
            position=position(DEPLOYMENT, "data: bucket"),
            context=types.ReferenceContext(include_declaration=True),
        )
    )
    assert sorted(r.range.start.line for r in refs) == [
        position(DEPLOYMENT, "data: bucket").line,
        position(DEPLOYMENT, "read store data").line,
    ]


async def test_files_joined_by_use(client: LanguageClient, tmp_path):
    net = tmp_path / "net.eng"
    main_text = 'use "net.eng"\n' + DEPLOYMENT.replace(
        'network main {\n  cidr     10.20.0.0/16\n  subnet a 10.20.0.0/20 zone "a"\n}\n', ""
    )
    net_text = 'network main {\n  cidr 10.20.0.0/16\n  subnet a 10.20.0.1/20 zone "a"\n}\n'
    net.write_text(net_text)
    main_uri = open_doc(client, tmp_path / "main.eng", main_text)
    # main.eng is clean; the error is in net.eng, published for net.eng.
    assert list(await diagnostics_for(client, main_uri, 1)) == []
    for _ in range(100):
        if client.diagnostics.get(net.as_uri()):
            break
        await asyncio.wait_for(
            client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS), 30
        )
    (d,) = client.diagnostics[net.as_uri()]
    assert d.code == "E0202"
    assert d.range.start == position(net_text, "10.20.0.1/20")
    # Opened and fixed in the editor (not on disk): cleared from the buffer.
    net_uri = open_doc(client, net, net_text)
    await diagnostics_for(client, net_uri, 1)
    change_doc(client, net_uri, 2, net_text.replace("10.20.0.1/20", "10.20.0.0/20"))
    assert list(await diagnostics_for(client, net_uri, 2)) == []
